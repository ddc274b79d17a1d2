using System.Net;

namespace DvServerless.Adapters.Tests.Storage;

/// <summary>
/// A Blob service behind the storage client's transport that a test switches between behaviours: refusing connections,
/// stalling until the client gives up, or answering a status (after a delay, for a slow account). Counts the requests.
/// </summary>
internal sealed class FakeStorageHandler : HttpMessageHandler
{
    private int _requests;

    /// <summary>What the next requests meet.</summary>
    public StorageBehaviour Behaviour { get; set; } = StorageBehaviour.Refuse;

    /// <summary>The status an answer carries.</summary>
    public HttpStatusCode Status { get; set; } = HttpStatusCode.Created;

    /// <summary>The <c>Retry-After</c> seconds an answer carries, if any (a busy account).</summary>
    public int? RetryAfterSeconds { get; set; }

    /// <summary>How long an answer takes (a slow account), on the real clock.</summary>
    public TimeSpan AnswerDelay { get; set; }

    public int Requests => Volatile.Read(ref _requests);

    public void ResetCount() => Volatile.Write(ref _requests, 0);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _requests);
        switch (Behaviour)
        {
            case StorageBehaviour.Refuse:
                throw new HttpRequestException("Connection refused (fake)");
            case StorageBehaviour.Stall:
                await Task.Delay(Timeout.Infinite, cancellationToken);
                throw new InvalidOperationException("unreachable");
            default:
                if (AnswerDelay > TimeSpan.Zero)
                {
                    await Task.Delay(AnswerDelay, cancellationToken);
                }

                var response = new HttpResponseMessage(Status) { Content = new ByteArrayContent([]) };
                response.Headers.ETag = new System.Net.Http.Headers.EntityTagHeaderValue("\"0x8DC0000000000001\"");
                response.Content.Headers.LastModified = DateTimeOffset.UnixEpoch;
                response.Headers.Add("x-ms-request-id", Guid.NewGuid().ToString());
                response.Headers.Add("x-ms-version", "2025-01-05");
                if (Status == HttpStatusCode.NotFound)
                {
                    // What the service says of a container that is not there (ExistsAsync reads it as false).
                    response.Headers.Add("x-ms-error-code", "ContainerNotFound");
                }

                if (RetryAfterSeconds is { } seconds)
                {
                    response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(seconds));
                }

                return response;
        }
    }
}

/// <summary>What a <see cref="FakeStorageHandler"/> does with a request.</summary>
internal enum StorageBehaviour
{
    Refuse,
    Stall,
    Answer,
}
