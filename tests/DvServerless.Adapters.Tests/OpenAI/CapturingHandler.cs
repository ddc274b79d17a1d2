using System.Net;

namespace DvServerless.Adapters.Tests.OpenAI;

/// <summary>An HttpMessageHandler that records each request (with its body) and answers from a queue of status codes.</summary>
internal sealed class CapturingHandler(params HttpStatusCode[] answers) : HttpMessageHandler
{
    private readonly Queue<HttpStatusCode> _answers = new(answers);

    public List<(HttpRequestMessage Request, string? Body)> Requests { get; } = [];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        Requests.Add((request, body));
        var status = _answers.Count > 0 ? _answers.Dequeue() : HttpStatusCode.OK;
        var response = new HttpResponseMessage(status);
        if ((int)status >= 400)
        {
            response.Content = new StringContent("{\"error\":{\"message\":\"failure " + (int)status + "\",\"type\":\"invalid_request_error\"}}");
        }

        return response;
    }
}
