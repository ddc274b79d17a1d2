using Microsoft.Extensions.Logging;

namespace DvServerless.MediaWorker.Calls;

// Call limits: a silent caller is asked whether they are still there, and after unanswered prompts hears a goodbye and
// is hung up; a call that reaches its longest duration hears the time-limit goodbye and is hung up. CallLimitWatch
// decides; this only acts, on the control task, with the control task's one timer (no timer per call for this).
public sealed partial class CallLoop
{
    private CallLimitWatch? _limitWatch;
    private CallEndReason? _limitEnd;
    private bool _callerSpeaking;

    /// <summary>Starts the watch at the start of the call's media; nothing when the call has no limits.</summary>
    private void StartLimits()
    {
        if (_options.Limits.Any)
        {
            _limitWatch = new CallLimitWatch(_options.Limits, _time);
        }
    }

    /// <summary>The caller spoke, pressed keys, typed or interrupted: silence starts again and the prompts are forgiven.</summary>
    private void CallerWasHeard() => _limitWatch?.CallerSpoke();

    /// <summary>
    /// When the watch next has something due (folded into the control task's timer). While a browser user is muted, also
    /// a second from now: an unmute sends the loop no message, and the silence must start counting again without one.
    /// </summary>
    private DateTimeOffset? LimitsDueAt() => _limitWatch is not { Ended: false } watch ? null
        : CallerMuted ? Earliest(watch.NextDueAt(), _time.GetUtcNow() + MutedRecheck)
        : watch.NextDueAt();

    private static readonly TimeSpan MutedRecheck = TimeSpan.FromSeconds(1);

    private bool CallerMuted => _leg is Legs.BrowserMediaLeg { AudioEnabled: false };

    /// <summary>
    /// Busy: the agent is speaking or about to (audio queued, a response streaming, a tool or a note in progress), the
    /// caller is mid-utterance, the call is ending, or a browser user muted their microphone (a muted user cannot answer
    /// "are you still there?", so a mute pauses the silence prompts; the time limit still applies).
    /// </summary>
    private bool CallIsBusy() =>
        !_engineReady || _endRequested || _callerSpeaking || _responseInProgress is not null || _toolsRunning > 0
        || _pendingNotes.Count > 0 || _pendingSpeech.Count > 0 || !_playout!.IsIdle
        || CallerMuted;

    /// <summary>
    /// Tells the watch whether the call is busy (after the playout was pumped, so the end of the agent's audio starts the
    /// silence at once) and acts on what is due: a system note to the agent (true: a note waits), or last words and the
    /// hang-up.
    /// </summary>
    private bool CheckLimits()
    {
        if (_limitWatch is not { } watch)
        {
            return false;
        }

        watch.SetBusy(CallIsBusy());
        switch (watch.Check())
        {
            case CallLimitDue.SilencePrompt:
                LogSilencePrompt(_callId, watch.PromptsSent, (int)_options.Limits.SilencePromptAfter!.Value.TotalSeconds);
                // Sent after this batch by SendPendingNotesAsync, as every system note is (once no response streams).
                _pendingNotes.Add(CallLimits.SilenceNote);
                return true;
            case CallLimitDue.SilenceGoodbye:
                LogLimitReached(_callId, CallLimitEndReasons.CallerSilent);
                EndForLimit(CallEndReason.CallerSilent, _options.Limits.SilenceGoodbye, CallLimitEndReasons.CallerSilent);
                break;
            case CallLimitDue.TimeLimit:
                LogLimitReached(_callId, CallLimitEndReasons.TimeLimit);
                EndForLimit(CallEndReason.TimeLimit, _options.Limits.TimeLimitGoodbye, CallLimitEndReasons.TimeLimit);
                break;
        }

        return false;
    }

    /// <summary>
    /// Plays <paramref name="goodbye"/> as last words in the call's voice, off the control task (synthesis takes a moment),
    /// as the drain goodbye does: the agent is cut off and the call hung up once the caller heard it.
    /// </summary>
    private void EndForLimit(CallEndReason reason, string goodbye, string hangUpReason)
    {
        _limitEnd = reason;
        _ = SayLimitGoodbyeAsync(goodbye, hangUpReason);
    }

    private async Task SayLimitGoodbyeAsync(string text, string hangUpReason)
    {
        using var budget = new CancellationTokenSource(LastWordsBudget, _time);
        await SayLastWordsAsync(text, Voice, hangUpReason, budget.Token).ConfigureAwait(false);
    }

    // How long the goodbye may take to synthesize before the call is hung up without it.
    private static readonly TimeSpan LastWordsBudget = TimeSpan.FromSeconds(10);

    [LoggerMessage(EventId = 9510, Level = LogLevel.Information, Message = "Call {CallId}: the caller has been silent for {Seconds} s; the agent asks whether they are there (prompt {Prompt})")]
    private partial void LogSilencePrompt(string callId, int prompt, int seconds);

    [LoggerMessage(EventId = 9511, Level = LogLevel.Information, Message = "Call {CallId}: {Reason}; saying goodbye and hanging up")]
    private partial void LogLimitReached(string callId, string reason);
}
