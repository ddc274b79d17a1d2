using DvServerless.Core.Calls;
using Microsoft.Extensions.Logging;

namespace DvServerless.MediaWorker.Commands;

/// <summary>
/// Writes this replica's command queue into the session document of a call it takes, so that the Functions app sends
/// the call's commands to this replica. Runs beside the call's start, never ahead of the caller's audio.
/// </summary>
public sealed partial class WorkerQueueRecorder
{
    private readonly WorkerReplica _replica;
    private readonly ICallSessionStore _sessions;
    private readonly ILogger<WorkerQueueRecorder> _logger;

    /// <summary>Creates the recorder.</summary>
    public WorkerQueueRecorder(WorkerReplica replica, ICallSessionStore sessions, ILogger<WorkerQueueRecorder> logger)
    {
        _replica = replica;
        _sessions = sessions;
        _logger = logger;
    }

    /// <summary>
    /// Records this replica's queue on call <paramref name="callId"/>'s session; does nothing while the replica has no
    /// queue. A failure is logged: the call's commands then take the HTTP path.
    /// </summary>
    public async Task RecordAsync(string callId, CancellationToken cancellationToken)
    {
        if (_replica.ReadyQueue is not { } queue)
        {
            return;
        }

        try
        {
            var updated = await _sessions.UpdateAsync(callId, s =>
            {
                if (s.WorkerQueue == queue)
                {
                    return false;
                }

                s.WorkerQueue = queue;
                return true;
            }, cancellationToken).ConfigureAwait(false);
            if (updated is not null)
            {
                LogRecorded(callId, queue);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogNotRecorded(ex, callId, queue);
        }
    }

    [LoggerMessage(EventId = 9010, Level = LogLevel.Debug, Message = "Call {CallId}: commands now come through queue {Queue}")]
    private partial void LogRecorded(string callId, string queue);

    [LoggerMessage(EventId = 9011, Level = LogLevel.Warning, Message = "Call {CallId}: queue {Queue} could not be recorded on the session; its commands come over HTTP")]
    private partial void LogNotRecorded(Exception exception, string callId, string queue);
}
