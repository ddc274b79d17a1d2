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
/// waits for it before rendering on CallDisconnected), then renders the minutes once — whichever end comes first wins,
/// the other finds them rendered.
/// </summary>
public sealed partial class WorkerCallEnd
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(30);

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
        using var budget = new CancellationTokenSource(Budget);
        try
        {
            await _records.AppendAsync(callId, new CallRecordEntry { Kind = CallEndMarker.Kind, Text = reason.ToString(), At = _time.GetUtcNow() }, budget.Token).ConfigureAwait(false);
            var session = await _sessions.GetAsync(callId, budget.Token).ConfigureAwait(false);
            var info = session is null
                ? new MinutesCallInfo(callId)
                : new MinutesCallInfo(callId, session.TenantId ?? "default",
                    new[] { session.From, session.To }.Where(p => !string.IsNullOrWhiteSpace(p)).Select(p => p!).ToArray());
            var outcome = await _minutes.RenderOnceAsync(info, budget.Token).ConfigureAwait(false);
            LogEnded(callId, reason, outcome);
        }
        catch (Exception e)
        {
            LogEndFailed(e, callId);
        }
    }

    [LoggerMessage(EventId = 3621, Level = LogLevel.Information, Message = "Call {CallId} ended ({Reason}): minutes {Outcome}.")]
    private partial void LogEnded(string callId, CallEndReason reason, MinutesRenderOutcome outcome);

    [LoggerMessage(EventId = 3622, Level = LogLevel.Warning, Message = "Call {CallId}: closing the record or rendering the minutes failed.")]
    private partial void LogEndFailed(Exception exception, string callId);
}
