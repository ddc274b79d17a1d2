using DvServerless.Core.Engines;
using DvServerless.Core.Live;

namespace DvServerless.MediaWorker.Telemetry;

/// <summary>
/// Times the stages of one caller turn from the engine's events, all from the moment the caller stopped speaking:
/// the final transcript (STT), the response's first output, text or audio (LLM time to first token), its first output to
/// its first audio (TTS: 0 for a speech-to-speech model whose audio comes first), and the first agent audio sent to the
/// caller (end to end). A turn is done when its end-to-end time and its
/// transcript are both in, or when the next turn begins or the call ends with what it has.
/// </summary>
/// <remarks>Used on the call loop's control task only.</remarks>
internal sealed class TurnTimer
{
    private DateTimeOffset? _stoppedAt;
    private DateTimeOffset? _firstText;
    private DateTimeOffset? _firstAudio;
    private double? _stt;
    private double? _ttft;
    private double? _e2e;

    /// <summary>Turns completed so far.</summary>
    public int Turns { get; private set; }

    /// <summary>True while a turn is being timed.</summary>
    public bool IsOpen => _stoppedAt is not null;

    /// <summary>
    /// Feeds one engine event seen at <paramref name="now"/>; returns a finished turn when this event completed one
    /// (or began the next while one was still open).
    /// </summary>
    public TurnLatency? OnEngineEvent(EngineEvent engineEvent, DateTimeOffset now)
    {
        switch (engineEvent)
        {
            case CallerSpeechStarted when _stoppedAt is not null && _e2e is null:
                // The caller went on before the agent answered: the turn continues, its end is the next stop.
                Reset();
                return null;
            case CallerSpeechStopped:
                // A turn still open is done with what it has; one the agent never answered is not a turn.
                var finished = _e2e is not null ? Finish() : Discard();
                _stoppedAt = now;
                return finished;
            case CallerTranscript when _stoppedAt is { } stopped && _stt is null:
                _stt = Ms(stopped, now);
                return _e2e is not null ? Finish() : null;
            case AgentTranscriptDelta when _stoppedAt is { } stopped:
                _firstText ??= now;
                _ttft ??= Ms(stopped, now);
                return null;
            case AgentAudioDelta when _stoppedAt is { } stopped:
                _firstAudio ??= now;
                _ttft ??= Ms(stopped, now);
                return null;
            default:
                return null;
        }
    }

    /// <summary>The first agent audio went to the caller at <paramref name="at"/>; returns the turn when that completed it.</summary>
    public TurnLatency? OnAgentAudioSent(DateTimeOffset at)
    {
        if (_stoppedAt is not { } stopped || _e2e is not null)
        {
            return null;
        }

        _e2e = Ms(stopped, at);
        return _stt is not null ? Finish() : null;
    }

    /// <summary>Ends the open turn with what it has (the call is over); null when none was open or nothing was measured.</summary>
    public TurnLatency? Flush() => _stoppedAt is not null && _e2e is not null ? Finish() : Discard();

    private TurnLatency? Discard()
    {
        Reset();
        return null;
    }

    private TurnLatency Finish()
    {
        double? tts = _firstAudio is { } audio ? Ms(_firstText is { } text && text < audio ? text : audio, audio) : null;
        var latency = new TurnLatency(_stt, _ttft, tts, _e2e);
        Turns++;
        Reset();
        return latency;
    }

    private void Reset()
    {
        _stoppedAt = null;
        _firstText = null;
        _firstAudio = null;
        _stt = null;
        _ttft = null;
        _e2e = null;
    }

    private static double Ms(DateTimeOffset from, DateTimeOffset to) => Math.Max(0, (to - from).TotalMilliseconds);
}
