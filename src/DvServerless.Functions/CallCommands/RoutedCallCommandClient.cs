using DvServerless.Core.Calls;

namespace DvServerless.Functions.CallCommands;

/// <summary>
/// The <see cref="ICallCommandClient"/> the app uses: a call whose session records its worker replica's queue
/// (<see cref="CallSession.WorkerQueue"/>) gets its commands there, so they reach that replica whichever replica the
/// ingress would pick; a call without one (a single worker, or storage without queues) over HTTP as before.
/// </summary>
public sealed class RoutedCallCommandClient : ICallCommandClient
{
    private readonly QueuedCallCommandClient _queued;
    private readonly MediaWorkerCallCommandClient _http;

    /// <summary>Creates the router over both paths.</summary>
    public RoutedCallCommandClient(QueuedCallCommandClient queued, MediaWorkerCallCommandClient http)
    {
        _queued = queued;
        _http = http;
    }

    /// <inheritdoc />
    public Task<CallCommandAnswer> SendAsync(CallSession session, CallCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        return session.WorkerQueue is { Length: > 0 } queue && _queued.IsAvailable
            ? _queued.SendAsync(queue, session.CallId, command, cancellationToken)
            : _http.SendAsync(session, command, cancellationToken);
    }
}
