using DvServerless.Adapters.Minutes;
using DvServerless.Adapters.Storage;
using DvServerless.Core.Calls;
using DvServerless.Core.Minutes;
using DvServerless.Core.Records;
using DvServerless.MediaWorker.Calls;
using Microsoft.Extensions.Logging;

namespace DvServerless.MediaWorker.Records;

/// <summary>
/// The worker's end of a call: appends the <see cref="CallEndMarker"/> once every segment is written (the Functions app
/// waits for it before rendering on CallDisconnected), renders the minutes once — whichever end comes first wins, the
/// other finds them rendered — and ends the session if nothing else has: the CallDisconnected callback that normally
/// does it is sent once, and a Functions app that could not reach storage then answered it 503.
/// </summary>
/// <remarks>
/// While storage is out (a stall as many long calls end together, an outage) the steps are retried with backoff for
/// <see cref="Budget"/>, so the end of a call is not lost to a pause of seconds; each step is safe to repeat.
/// </remarks>
public sealed partial class WorkerCallEnd
{
    /// <summary>How long the end of one call keeps trying while storage is out.</summary>
    public static readonly TimeSpan Budget = TimeSpan.FromMinutes(2);


    private readonly ICallRecordSink _records;
    private readonly MinutesService _minutes;
    private readonly ICallSessionStore _sessions;
    private readonly TimeProvider _time;
    private readonly ILogger<WorkerCallEnd> _logger;

    /// <summary>Creates the handler.</summary>
    public WorkerCallEnd(ICallRecordSink records, MinutesService minutes, ICallSessionStore sessions, TimeProvider time, ILogger<WorkerCallEnd> logger)
    {
        _records = records;
        _minutes = minutes;
        _sessions = sessions;
        _time = time;
        _logger = logger;
    }

    /// <summary>Marks the record complete and renders the minutes of <paramref name="callId"/>; never throws.</summary>
    public async Task OnCallEndedAsync(string callId, CallEndReason reason, CancellationToken cancellationToken = default)
    {
        if (!CallIdFormat.IsValid(callId))
        {
            return;
        }

        // The call is over: a drain or shutdown token must not stop the record from being closed.
        using var budget = new CancellationTokenSource(Budget, _time);
        // The same backoff as the call's record writer, which retries the entries before the marker.
        var delay = CallRecordWriter.FirstRetryDelay;
        var marked = false;
        var marker = new CallRecordEntry { Kind = CallEndMarker.Kind, Text = reason.ToString(), At = _time.GetUtcNow() }.WithId();
        var failures = 0;
        while (true)
        {
            try
            {
                if (!marked)
                {
                    await _records.AppendAsync(callId, marker, budget.Token).ConfigureAwait(false);
                    marked = true;
                }

                var session = await _sessions.GetAsync(callId, budget.Token).ConfigureAwait(false);
                var info = session is null
                    ? new MinutesCallInfo(callId)
                    : new MinutesCallInfo(callId, session.TenantId ?? "default",
                        new[] { session.From, session.To }.Where(p => !string.IsNullOrWhiteSpace(p)).Select(p => p!).ToArray());
                var outcome = await _minutes.RenderOnceAsync(info, budget.Token).ConfigureAwait(false);
                if (session is { Channel: CallChannel.Acs } && CallLimitEndReasons.SessionReason(reason) is { } limit)
                {
                    // The worker hung the call up for its limit: say so on the session, whichever end got there first
                    // (ACS's CallDisconnected for the worker's own hang-up says only that the call was disconnected).
                    await _sessions.UpdateAsync(callId, s => NameLimit(s, limit), budget.Token).ConfigureAwait(false);
                }
                else if (session is not null && !CallStateMachine.IsFinal(session.State)
                    && await _sessions.TryMoveAsync(callId, CallState.Ended, _time.GetUtcNow(), $"the call ended on the worker ({reason}); no CallDisconnected was recorded",
                        null, cancellationToken: budget.Token).ConfigureAwait(false))
                {
                    LogSessionEnded(callId, reason);
                }

                if (failures > 0)
                {
                    LogStorageBack(callId, failures);
                }

                LogEnded(callId, reason, outcome);
                return;
            }
            catch (Exception e) when (StorageUnavailability.IsUnavailable(e) && !budget.IsCancellationRequested)
            {
                if (failures++ == 0)
                {
                    LogStorageOut(callId, StorageUnavailableResponder.Describe(e));
                }
            }
            catch (Exception e)
            {
                LogEndFailed(e, callId);
                return;
            }

            try
            {
                await Task.Delay(delay, _time, budget.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                LogEndFailed(new TimeoutException($"storage stayed out for {Budget.TotalMinutes:0} minutes"), callId);
                return;
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, CallRecordWriter.MaxRetryDelay.Ticks));
        }
    }

    /// <summary>Ends <paramref name="session"/> with <paramref name="reason"/>, or names it the end reason of one already ended.</summary>
    private bool NameLimit(CallSession session, string reason)
    {
        if (!CallStateMachine.IsFinal(session.State))
        {
            return CallStateMachine.TryMoveTo(session, CallState.Ended, _time.GetUtcNow(), reason) == CallTransitionResult.Applied;
        }

        if (session.State != CallState.Ended || session.EndReason == reason)
        {
            return false;
        }

        // The history keeps what the first end said.
        session.EndReason = reason;
        return true;
    }

    [LoggerMessage(EventId = 3624, Level = LogLevel.Information, Message = "Call {CallId} ended ({Reason}): minutes {Outcome}.")]
    private partial void LogEnded(string callId, CallEndReason reason, MinutesRenderOutcome outcome);

    [LoggerMessage(EventId = 3625, Level = LogLevel.Warning, Message = "Call {CallId}: closing the record or rendering the minutes failed.")]
    private partial void LogEndFailed(Exception exception, string callId);

    [LoggerMessage(EventId = 3626, Level = LogLevel.Warning, Message = "Call {CallId}: storage is out at the end of the call ({Problem}); closing its record, minutes and session is retried")]
    private partial void LogStorageOut(string callId, string problem);

    [LoggerMessage(EventId = 3627, Level = LogLevel.Information, Message = "Call {CallId}: storage is back after {Failures} failed tries; the call's end is recorded")]
    private partial void LogStorageBack(string callId, int failures);

    [LoggerMessage(EventId = 3628, Level = LogLevel.Warning, Message = "Call {CallId}: the session was still live after the call ended on the worker ({Reason}); ended it")]
    private partial void LogSessionEnded(string callId, CallEndReason reason);
}
