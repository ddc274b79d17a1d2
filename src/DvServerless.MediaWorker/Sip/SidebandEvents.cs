using DvServerless.Adapters.Engines.Realtime;
using DvServerless.Core.Costs;
using DvServerless.Core.Engines;
using DvServerless.MediaWorker.Calls;
using Microsoft.Extensions.Logging;

namespace DvServerless.MediaWorker.Sip;

/// <summary>
/// What a SIP call's sideband does with each event of its Realtime session, through the pieces a call loop uses:
/// <see cref="CallTurnRecorder"/> for the transcript, <see cref="CallToolRunner"/> for tools, <see cref="CallKeypad"/> for
/// keys, the observers for telemetry, and <see cref="GoodbyeHangUp"/> to end the call after the goodbye has played.
/// There is no audio here: it plays on the SIP leg, and a delta that reaches the sideband only goes back to its pool.
/// The call's silence handling and time limit (<see cref="SidebandLimits"/>) are fed from the events here.
/// </summary>
internal sealed partial class SidebandEvents : IDisposable
{
    private readonly string _callId;
    private readonly RealtimeEngine _engine;
    private readonly CallTurnRecorder _turns;
    private readonly CallToolRunner _tools;
    private readonly SipCallControl _control;
    private readonly GoodbyeHangUp _goodbye;
    private readonly ICallLoopObserver? _observer;
    private readonly CallCost _cost;
    private readonly CallKeypad _keypad;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationToken _callEnded;
    private readonly SidebandLimits _limits;
    private long? _responseStartedMs;
    private bool _responding;

    /// <summary>Handles the events of <paramref name="engine"/> for <paramref name="callId"/> until <paramref name="callEnded"/>.</summary>
    public SidebandEvents(string callId, RealtimeEngine engine, CallTurnRecorder turns, CallToolRunner tools, SipCallControl control,
        GoodbyeHangUp goodbye, ICallLoopObserver? observer, CallCost cost, TimeSpan keypadPause, TimeProvider time, ILogger logger,
        CancellationToken callEnded, CallLimits? limits = null)
    {
        _callId = callId;
        _engine = engine;
        _turns = turns;
        _tools = tools;
        _control = control;
        _goodbye = goodbye;
        _observer = observer;
        _cost = cost;
        _time = time;
        _logger = logger;
        _callEnded = callEnded;
        _keypad = new CallKeypad(time, keypadPause, text => _ = SendKeypadAsync(text), turns.CallerKeypad);
        _limits = new SidebandLimits(callId, engine, goodbye, limits ?? CallLimits.Off, () => Volatile.Read(ref _responding), time, logger, callEnded);
    }

    /// <summary>Checks the call's limits until the sideband is over (<see cref="SidebandLimits.RunAsync"/>).</summary>
    public Task RunLimitsAsync() => _limits.RunAsync();

    /// <summary>Where the caller went when the agent transferred the call (the call is then over for the sideband).</summary>
    public string? TransferredTo { get; private set; }

    /// <summary>Applies one event of the session.</summary>
    public async ValueTask HandleAsync(EngineEvent engineEvent)
    {
        var cancellationToken = _callEnded;
        var nowMs = _turns.MediaMs(_time.GetUtcNow());
        _observer?.OnEngineEvent(engineEvent);
        switch (engineEvent)
        {
            case AgentAudioDelta audio:
                audio.Release();
                break;
            case AgentPlaybackStarted playback:
                _goodbye.FarEndPlaying = true;
                _limits.Changed();
                // The far end starts playing the agent into the call: the caller starts hearing the answer.
                _observer?.OnAgentAudioStarted(playback.ResponseId, _time.GetUtcNow());
                break;
            case EngineUsageReported usage:
                var added = _cost.Add(usage.Usage, usage.Model);
                _observer?.OnCostChanged(_cost.TotalUsd, added);
                break;
            case AgentPlaybackStopped:
                _goodbye.FarEndPlaying = false;
                _limits.Changed();
                await _goodbye.HangUpIfDueAsync(cancellationToken).ConfigureAwait(false);
                break;
            case ResponseFinished:
                Volatile.Write(ref _responding, false);
                _limits.Changed();
                _goodbye.ResponseFinished();
                await _goodbye.HangUpIfDueAsync(cancellationToken).ConfigureAwait(false);
                break;
            case CallerSpeechStarted speech:
                _turns.CallerSpeechStarted(speech, nowMs);
                _limits.CallerHeard(speaking: true);
                break;
            case CallerSpeechStopped:
                _limits.CallerStopped();
                break;
            case CallerTranscript transcript when !string.IsNullOrWhiteSpace(transcript.Text):
                _turns.CallerTranscript(transcript);
                break;
            case CallerTranscriptFailed failed:
                _turns.CallerTranscriptFailed(failed);
                break;
            case ResponseStarted:
                Volatile.Write(ref _responding, true);
                _goodbye.ResponseStarted();
                _limits.Changed();
                _responseStartedMs = nowMs;
                break;
            case AgentTranscriptDelta delta:
                _turns.AgentTextDelta(delta);
                break;
            case AgentTranscriptDone done when !string.IsNullOrWhiteSpace(done.Transcript):
                _turns.AgentTextDone(done);
                _turns.AgentTurnPlayedElsewhere(done.ItemId, _responseStartedMs ?? nowMs, nowMs);
                break;
            case ToolCallRequested tool:
                await RunToolAsync(tool, cancellationToken).ConfigureAwait(false);
                break;
            case CallerKeypress keypress:
                _keypad.Press(keypress.Key);
                _limits.CallerHeard(speaking: false);
                break;
            case EngineClosed closed:
                LogClosed(_callId, closed.Reason);
                break;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _keypad.Dispose();
        _limits.Dispose();
    }

    private async ValueTask RunToolAsync(ToolCallRequested tool, CancellationToken cancellationToken)
    {
        LogTool(_callId, tool.Name);
        // Awaited here: the model waits for the output anyway, and no audio needs this loop to keep moving.
        _limits.ToolRunning(true);
        CallToolOutcome? ran;
        try
        {
            ran = await _tools.RunAsync(tool, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _limits.ToolRunning(false);
        }

        if (ran is not { } outcome)
        {
            return; // A repeated call_id.
        }

        _observer?.OnToolCompleted(tool, outcome.Duration, outcome.Failed);
        if (outcome.Result.EndCall)
        {
            _goodbye.Request(tool.CallId);
        }
        else if (_control.TransferredTo is { } target)
        {
            // The REFER was accepted: the caller has left the agent, so there is nobody to answer.
            LogTransferred(_callId, target);
            TransferredTo = target;
        }
        else
        {
            await _engine.SendToolResultAsync(tool.CallId, outcome.Result.Output, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Sends a keypad entry to the agent off the event loop; a failure costs the entry, not the call. A response in progress
    /// is cancelled first, as typed text cuts the agent off in a call loop: the service refuses a second response.create
    /// while one is active, and the keys would go unanswered.
    /// </summary>
    private async Task SendKeypadAsync(string text)
    {
        try
        {
            if (Volatile.Read(ref _responding))
            {
                await _engine.CancelResponseAsync(_callEnded).ConfigureAwait(false);
            }

            await _engine.SendUserTextAsync(text, _callEnded).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !_callEnded.IsCancellationRequested)
        {
            LogKeypadFailed(ex, _callId);
        }
    }

    [LoggerMessage(EventId = 3704, Level = LogLevel.Information, Message = "SIP call {CallId}: the agent called {Tool}")]
    private partial void LogTool(string callId, string tool);

    [LoggerMessage(EventId = 3705, Level = LogLevel.Information, Message = "SIP call {CallId}: transferred to {Target}")]
    private partial void LogTransferred(string callId, string target);

    [LoggerMessage(EventId = 3706, Level = LogLevel.Information, Message = "SIP call {CallId}: the sideband closed ({Reason})")]
    private partial void LogClosed(string callId, string? reason);

    [LoggerMessage(EventId = 8700, Level = LogLevel.Warning, Message = "SIP call {CallId}: sending the caller's keypad entry to the agent failed")]
    private partial void LogKeypadFailed(Exception exception, string callId);
}
