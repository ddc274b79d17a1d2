using DvServerless.Adapters.Minutes;
using DvServerless.Core.Calls;
using DvServerless.Core.Records;
using Microsoft.Extensions.Options;

namespace DvServerless.Functions.Records;

/// <summary>
/// Renders a call's minutes when the call ends (once, however often the end is reported) and adds the call to its
/// conference when the session names one. Waits up to <see cref="MinutesOptions.WorkerEndGrace"/> for the media
/// worker's end marker, so the last segments the worker is still flushing are not missed.
/// </summary>
public sealed partial class MinutesOnCallEnded : ICallEndedHandler
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    private readonly MinutesService _minutes;
    private readonly ICallRecordSink _records;
    private readonly ConferenceService _conferences;
    private readonly MinutesOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<MinutesOnCallEnded> _logger;

    /// <summary>Creates the handler.</summary>
    public MinutesOnCallEnded(MinutesService minutes, ICallRecordSink records, ConferenceService conferences, IOptions<MinutesOptions> options, TimeProvider time, ILogger<MinutesOnCallEnded> logger)
    {
        _minutes = minutes;
        _records = records;
        _conferences = conferences;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    /// <inheritdoc />
    public async Task OnCallEndedAsync(CallSession session, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (CallMinutesInfo.ConferenceOf(session) is { } conferenceId && BlobConferenceStore.IsValidId(conferenceId))
        {
            await _conferences.JoinOnCallEndAsync(session, conferenceId, cancellationToken).ConfigureAwait(false);
        }

        await WaitForWorkerEndAsync(session.CallId, cancellationToken).ConfigureAwait(false);
        var outcome = await _minutes.RenderOnceAsync(CallMinutesInfo.Of(session), cancellationToken).ConfigureAwait(false);
        LogMinutes(session.CallId, outcome);
    }

    private async Task WaitForWorkerEndAsync(string callId, CancellationToken cancellationToken)
    {
        var deadline = _time.GetUtcNow() + _options.WorkerEndGrace;
        while (_options.WorkerEndGrace > TimeSpan.Zero)
        {
            if (CallEndMarker.IsPresent(await _records.ReadAsync(callId, cancellationToken).ConfigureAwait(false)))
            {
                return;
            }

            if (_time.GetUtcNow() >= deadline)
            {
                LogNoWorkerEnd(callId);
                return;
            }

            await Task.Delay(PollInterval, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    [LoggerMessage(EventId = 5111, Level = LogLevel.Information, Message = "Call {CallId} ended: minutes {Outcome}.")]
    private partial void LogMinutes(string callId, MinutesRenderOutcome outcome);

    [LoggerMessage(EventId = 5112, Level = LogLevel.Information, Message = "Call {CallId}: no end marker from the media worker within the grace period; rendering the record as it is.")]
    private partial void LogNoWorkerEnd(string callId);
}
