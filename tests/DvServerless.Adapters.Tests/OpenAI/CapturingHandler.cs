using System.Net;

namespace DvServerless.Adapters.Tests.OpenAI;

/// <summary>
/// An HttpMessageHandler that records each request (with its body and the time it arrived) and answers from a queue of
/// status codes; 429 and 5xx carry <see cref="RetryAfter"/> when set.
/// </summary>
internal sealed class CapturingHandler(params HttpStatusCode[] answers) : HttpMessageHandler
{
    private readonly Queue<HttpStatusCode> _answers = new(answers);

    public List<(HttpRequestMessage Request, string? Body, DateTimeOffset At)> Requests { get; } = [];

    public TimeProvider Time { get; init; } = TimeProvider.System;

    public TimeSpan? RetryAfter { get; init; }

    /// <summary>The JSON body of a 2xx answer; none when null.</summary>
    public string? SuccessBody { get; init; }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        Requests.Add((request, body, Time.GetUtcNow()));
        var status = _answers.Count > 0 ? _answers.Dequeue() : HttpStatusCode.OK;
        var response = new HttpResponseMessage(status);
        if ((int)status >= 400)
        {
            if (RetryAfter is { } wait && ((int)status >= 500 || status == HttpStatusCode.TooManyRequests))
            {
                response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(wait);
            }

            response.Content = new StringContent("{\"error\":{\"message\":\"failure " + (int)status + "\",\"type\":\"invalid_request_error\"}}");
        }

        else if (SuccessBody is not null)
        {
            response.Content = new StringContent(SuccessBody, System.Text.Encoding.UTF8, "application/json");
        }

        return response;
    }
}
