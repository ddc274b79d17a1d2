using DvServerless.Core.Engines;
using Microsoft.Extensions.Logging;

namespace DvServerless.MediaWorker.Calls;

// The false-interruption gate: when the caller makes a sound over the agent, the agent's audio pauses instead of being
// flushed; short speech (a cough, "mm-hm") lets it resume where it paused, speech that passes the gate barges in as
// usual. Only where the engine leaves the response alone on speech (see BargeInGateOptions).
public sealed partial class CallLoop
{
    private DateTimeOffset? _gateSpeechStartedAt;
    private int _gateAudioStartMs;
    private long _gateSignalTimestamp;
    private DateTimeOffset? _gateAwaitingWordsUntil;

    /// <summary>True while the gate holds the agent paused and decides.</summary>
    internal bool BargeInGatePending => _gateSpeechStartedAt is not null;

    private bool GateApplies =>
        _options.BargeInGate.IsEnabled && !_options.EngineInterruptsOnSpeech && (!_playout!.IsIdle || _responseInProgress is not null);

    /// <summary>The caller started speaking: barge in now, or pause the agent and let the gate decide.</summary>
    private async ValueTask CallerStartedSpeakingAsync(CallerSpeechStarted started, long receivedTimestamp, CancellationToken cancellationToken)
    {
        if (!GateApplies)
        {
            await BargeInAsync(forceCancel: false, receivedTimestamp, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (_gateSpeechStartedAt is null)
        {
            _gateSpeechStartedAt = _time.GetUtcNow();
            _gateAudioStartMs = started.AudioStartMs;
            _gateSignalTimestamp = receivedTimestamp;
            _gateAwaitingWordsUntil = null;
            _playout!.Paused = true;
        }
    }

    /// <summary>The caller stopped: too short resumes the agent; long enough barges in, or waits for the words to count.</summary>
    private async ValueTask CallerStoppedSpeakingAsync(CallerSpeechStopped stopped, CancellationToken cancellationToken)
    {
        if (_gateSpeechStartedAt is null || _gateAwaitingWordsUntil is not null)
        {
            return;
        }

        // The engine's own audio clock measures the speech; the worker's clock only while it is still going on.
        var spokenMs = stopped.AudioEndMs - _gateAudioStartMs;
        if (spokenMs < _options.BargeInGate.MinSpeechMs)
        {
            ResumeAfterGate();
            return;
        }

        if (_options.BargeInGate.MinWords > 0)
        {
            _gateAwaitingWordsUntil = _time.GetUtcNow() + _options.BargeInGateTranscriptWait;
            return;
        }

        await PassGateAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The caller's words: enough of them pass the gate, too few let the agent resume.</summary>
    private async ValueTask CallerWordsAsync(CallerTranscript transcript, CancellationToken cancellationToken)
    {
        if (_gateAwaitingWordsUntil is null)
        {
            return;
        }

        var words = transcript.Text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
        if (words >= _options.BargeInGate.MinWords)
        {
            await PassGateAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            ResumeAfterGate();
        }
    }

    /// <summary>On every pass of the control loop: speech that lasted long enough passes while it goes on; a transcript that never came resumes the agent.</summary>
    private async ValueTask CheckBargeInGateAsync(CancellationToken cancellationToken)
    {
        if (_gateSpeechStartedAt is not { } startedAt)
        {
            return;
        }

        var now = _time.GetUtcNow();
        if (_gateAwaitingWordsUntil is { } until)
        {
            if (now >= until)
            {
                ResumeAfterGate();
            }

            return;
        }

        if (_options.BargeInGate.MinWords == 0 && now - startedAt >= TimeSpan.FromMilliseconds(_options.BargeInGate.MinSpeechMs))
        {
            await PassGateAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>When the gate next needs a look (the minimum speech elapsing, or the transcript wait running out); null for none.</summary>
    private DateTimeOffset? BargeInGateDueAt() =>
        _gateSpeechStartedAt is not { } startedAt ? null
        : _gateAwaitingWordsUntil ?? (_options.BargeInGate.MinWords == 0 ? startedAt + TimeSpan.FromMilliseconds(_options.BargeInGate.MinSpeechMs) : null);

    private async ValueTask PassGateAsync(CancellationToken cancellationToken)
    {
        var signal = _gateSignalTimestamp;
        ClearGate();
        await BargeInAsync(forceCancel: false, signal, cancellationToken).ConfigureAwait(false);
    }

    private void ResumeAfterGate()
    {
        var heldMs = _gateSpeechStartedAt is { } startedAt ? (int)(_time.GetUtcNow() - startedAt).TotalMilliseconds : 0;
        ClearGate();
        LogBargeInGateHeld(_callId, heldMs);
    }

    [LoggerMessage(EventId = 8410, Level = LogLevel.Information, Message = "Call {CallId}: the caller's sound over the agent did not pass the barge-in gate; the agent resumes after a {PausedMs} ms pause")]
    private partial void LogBargeInGateHeld(string callId, int pausedMs);

    private void ClearGate()
    {
        _gateSpeechStartedAt = null;
        _gateAwaitingWordsUntil = null;
        _playout!.Paused = false;
    }
}
