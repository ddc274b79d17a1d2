using System.Net;

namespace DvServerless.MediaWorker.Tests.Fakes;

/// <summary>
/// A tool server behind a fake <see cref="HttpMessageHandler"/>: records each request with its body and answers with
/// <see cref="Status"/> and <see cref="Body"/> once <see cref="Release"/> completes (at once by default).
/// </summary>
internal sealed class ToolServerHandler : HttpMessageHandler, IHttpClientFactory
{
    public List<(HttpRequestMessage Request, byte[] Body)> Requests { get; } = [];

    public HttpStatusCode Status { get; set; } = HttpStatusCode.OK;

    public string Body { get; set; } = """{"status":"shipped"}""";

    public Task Release { get; set; } = Task.CompletedTask;

    public TaskCompletionSource Received { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public HttpClient CreateClient(string name) => new(this, disposeHandler: false);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        lock (Requests)
        {
            Requests.Add((request, body));
        }

        Received.TrySetResult();
        await Release.WaitAsync(cancellationToken);
        return new HttpResponseMessage(Status) { Content = new StringContent(Body, System.Text.Encoding.UTF8, "application/json") };
    }
}
