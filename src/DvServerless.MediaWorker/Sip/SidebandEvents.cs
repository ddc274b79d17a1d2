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
/// The call's limits are decided by the same <see cref="CallLimitWatch"/> a call loop uses, fed from the events here and
/// checked by <see cref="RunLimitsAsync"/>; with no audio of its own to play, the goodbye is the agent's, asked for with a
/// system note, and the hang-up waits for it to play (<see cref="GoodbyeHangUp.RequestLastWordsAsync"/>).
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
    private readonly CallLimits _limits;
    private readonly CallLimitWatch? _limitWatch;
    private readonly Lock _limitLock = new();
    private readonly CancellationTokenSource _limitsOver = new();
    private long? _responseStartedMs;
    private bool _responding;
    private bool _callerSpeaking;
    private bool _toolRunning;

    /// <summary>Handles the events of <paramref name="engine"/> for <paramref name="callId"/> until <paramref name="callEnded"/>.</summary>
    public SidebandEvents(string callId, RealtimeEngine engine, CallTurnRecorder turns, CallToolRunner tools, SipCallControl control,
        GoodbyeHangUp goodbye, ICallLoopObserver? observer, CallCost cost, TimeSpan keypadPause, TimeProvider time, ILogger logger,
        CancellationToken callEnded, CallLimits? limits = null)
    {
        _limits = limits ?? CallLimits.Off;
        _limitWatch = _limits.Any ? new CallLimitWatch(_limits, time) : null;
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
    }

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
                UpdateBusy();
                // The far end starts playing the agent into the call: the caller starts hearing the answer.
                _observer?.OnAgentAudioStarted(playback.ResponseId, _time.GetUtcNow());
                break;
            case EngineUsageReported usage:
                var added = _cost.Add(usage.Usage, usage.Model);
                _observer?.OnCostChanged(_cost.TotalUsd, added);
                break;
            case AgentPlaybackStopped:
                _goodbye.FarEndPlaying = false;
                UpdateBusy();
                await _goodbye.HangUpIfDueAsync(cancellationToken).ConfigureAwait(false);
                break;
            case ResponseFinished:
                Volatile.Write(ref _responding, false);
                UpdateBusy();
                _goodbye.ResponseFinished();
                await _goodbye.HangUpIfDueAsync(cancellationToken).ConfigureAwait(false);
                break;
            case CallerSpeechStarted speech:
                _turns.CallerSpeechStarted(speech, nowMs);
                CallerWasHeard(speaking: true);
                break;
            case CallerSpeechStopped:
                Volatile.Write(ref _callerSpeaking, false);
                UpdateBusy();
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
                UpdateBusy();
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
                CallerWasHeard(speaking: false);
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
        _limitsOver.Cancel();
        _limitsOver.Dispose();
    }

    /// <summary>
    /// Checks the call's limits until <see cref="Dispose"/> (the sideband is over): at most once a second, or sooner when
    /// something is due, on <see cref="TimeProvider"/>'s clock. Returns at once when the call has no limits.
    /// </summary>
    public async Task RunLimitsAsync()
    {
        if (_limitWatch is not { } watch)
        {
            return;
        }

        var over = _limitsOver.Token;
        try
        {
            while (!over.IsCancellationRequested)
            {
                TimeSpan wait;
                CallLimitDue due;
                lock (_limitLock)
                {
                    watch.SetBusy(IsBusy());
                    due = watch.Check();
                    var next = watch.NextDueAt() - _time.GetUtcNow();
                    wait = next is { } soon && soon < LimitCheckInterval ? (soon > TimeSpan.Zero ? soon : TimeSpan.Zero) : LimitCheckInterval;
                }

                await ActOnLimitAsync(due, watch, over).ConfigureAwait(false);
                if (watch.Ended)
                {
                    return;
                }

                await Task.Delay(wait, _time, over).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (over.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !_callEnded.IsCancellationRequested)
        {
            LogLimitFailed(ex, _callId);
        }
    }

    /// <summary>How often the limits are looked at when nothing is due sooner: coarse, as silence is counted in seconds.</summary>
    internal static readonly TimeSpan LimitCheckInterval = TimeSpan.FromSeconds(1);

    private async Task ActOnLimitAsync(CallLimitDue due, CallLimitWatch watch, CancellationToken cancellationToken)
    {
        switch (due)
        {
            case CallLimitDue.SilencePrompt:
                LogSilencePrompt(_callId, watch.PromptsSent);
                await _engine.SendSystemNoteAsync(CallLimits.SilenceNote, respond: true, cancellationToken).ConfigureAwait(false);
                break;
            case CallLimitDue.SilenceGoodbye:
                await SayGoodbyeAsync(CallLimitEndReasons.CallerSilent, _limits.SilenceGoodbye, cancellationToken).ConfigureAwait(false);
                break;
            case CallLimitDue.TimeLimit:
                await SayGoodbyeAsync(CallLimitEndReasons.TimeLimit, _limits.TimeLimitGoodbye, cancellationToken).ConfigureAwait(false);
                break;
        }
    }

    /// <summary>
    /// The agent says <paramref name="goodbye"/> (its own voice is the only one on a SIP call), cutting off a response in
    /// progress first (the service refuses a second one while one is active), and the call is hung up once it played.
    /// </summary>
    private async Task SayGoodbyeAsync(string reason, string goodbye, CancellationToken cancellationToken)
    {
        LogLimitReached(_callId, reason);
        if (_goodbye.Ending)
        {
            return; // The agent is already ending the call.
        }

        await _goodbye.RequestLastWordsAsync(reason, lastWords: goodbye.Length > 0, cancellationToken).ConfigureAwait(false);
        if (goodbye.Length == 0)
        {
            return;
        }

        if (Volatile.Read(ref _responding))
        {
            await _engine.CancelResponseAsync(cancellationToken).ConfigureAwait(false);
        }

        // The goodbye is the deployment's configured sentence, never the caller's words.
        await _engine.SendSystemNoteAsync($"The call is ending now. Say exactly this to the caller, and nothing else: \"{goodbye}\"", respond: true, cancellationToken)
            .ConfigureAwait(false);
    }

    private bool IsBusy() =>
        Volatile.Read(ref _responding) || Volatile.Read(ref _callerSpeaking) || Volatile.Read(ref _toolRunning) || _goodbye.FarEndPlaying || _goodbye.Ending;

    private void UpdateBusy()
    {
        if (_limitWatch is { } watch)
        {
            lock (_limitLock)
            {
                watch.SetBusy(IsBusy());
            }
        }
    }

    private void CallerWasHeard(bool speaking)
    {
        if (speaking)
        {
            Volatile.Write(ref _callerSpeaking, true);
        }

        if (_limitWatch is { } watch)
        {
            lock (_limitLock)
            {
                watch.CallerSpoke();
                watch.SetBusy(IsBusy());
            }
        }
    }

    private async ValueTask RunToolAsync(ToolCallRequested tool, CancellationToken cancellationToken)
    {
        LogTool(_callId, tool.Name);
        // Awaited here: the model waits for the output anyway, and no audio needs this loop to keep moving.
        Volatile.Write(ref _toolRunning, true);
        UpdateBusy();
        CallToolOutcome? ran;
        try
        {
            ran = await _tools.RunAsync(tool, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Volatile.Write(ref _toolRunning, false);
            UpdateBusy();
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

    [LoggerMessage(EventId = 9513, Level = LogLevel.Information, Message = "SIP call {CallId}: the caller has been silent; the agent asks whether they are there (prompt {Prompt})")]
    private partial void LogSilencePrompt(string callId, int prompt);

    [LoggerMessage(EventId = 9514, Level = LogLevel.Information, Message = "SIP call {CallId}: {Reason}; the agent says goodbye and the call is hung up")]
    private partial void LogLimitReached(string callId, string reason);

    [LoggerMessage(EventId = 9515, Level = LogLevel.Warning, Message = "SIP call {CallId}: checking the call's limits failed; they no longer apply to this call")]
    private partial void LogLimitFailed(Exception exception, string callId);

    [LoggerMessage(EventId = 8700, Level = LogLevel.Warning, Message = "SIP call {CallId}: sending the caller's keypad entry to the agent failed")]
    private partial void LogKeypadFailed(Exception exception, string callId);
}
