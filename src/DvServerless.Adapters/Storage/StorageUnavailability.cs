using Azure;

namespace DvServerless.Adapters.Storage;

/// <summary>
/// Tells a storage outage (the account unreachable, stalled, throttling or failing) from a failure a retry will not cure
/// (a bad request, a missing permission, a bug). The first is answered 503 with <c>Retry-After</c>; the second is not.
/// </summary>
public static class StorageUnavailability
{
    /// <summary>
    /// Whether <paramref name="exception"/> says storage could not serve the request for now: a
    /// <see cref="RequestFailedException"/> with no response (status 0: connection refused, DNS, reset), 408, 429 or 5xx;
    /// the SDK's network timeout (a cancellation wrapping the transport's cancellation or a <see cref="TimeoutException"/>, not the caller's own); a
    /// socket or HTTP transport error; a <see cref="StorageUnavailableException"/>; or the SDK's "retry failed" <see cref="AggregateException"/> of such failures.
    /// </summary>
    public static bool IsUnavailable(Exception? exception) => exception switch
    {
        null => false,
        RequestFailedException failed => failed.Status is 0 or 408 or 429 or >= 500,
        // Given up on an HTTP request's path: no answer within the request's budget, or storage held as out.
        StorageUnavailableException => true,
        AggregateException aggregate => aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(IsUnavailable),
        // Azure.Core ends a try that exceeds NetworkTimeout with its own TaskCanceledException wrapped around the
        // transport's cancellation; a cancellation the caller asked for is thrown bare and is not an outage.
        OperationCanceledException canceled => canceled.InnerException is TimeoutException or OperationCanceledException,
        // A bare HttpRequestException or SocketException is another dependency's (the worker's, OpenAI's): Azure.Core
        // reports a transport failure as RequestFailedException with status 0, which is matched above.
        TimeoutException => true,
        _ => false,
    };
}
