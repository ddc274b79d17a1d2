using DvServerless.Core.Audio;
using DvServerless.MediaWorker.Playout;

namespace DvServerless.MediaWorker.Calls;

// Comfort noise: while the agent thinks (the caller's turn ended, no agent audio yet) or runs a tool, and whenever the
// API turned it on for this call, the playout sends a quiet bed toward the caller instead of dead silence. It never
// reaches the engine (the caller path reads only the leg), never counts as agent audio, and stops at the next agent frame.
public sealed partial class CallLoop
{
    private ComfortNoiseBed? _comfortBed;
    private bool? _comfortOverride;
    private bool _callerTurnEnded;
    private int _toolsRunning;

    /// <summary>Makes the call's comfort noise: <see cref="ComfortNoiseSource.WhileThinking"/> decides whether it plays by itself; null plays it only on request.</summary>
    public ComfortNoiseSource? ComfortNoise { get; init; }

    /// <summary>
    /// Turns comfort noise on (true) or off (false) for this call whatever the agent is doing, or back to the setting
    /// (null). It still never plays over agent audio. False when the call is over.
    /// </summary>
    public bool SetComfortNoise(bool? on) => _messages.Writer.TryWrite(new LoopMessage(LoopMessageKind.ComfortNoise, on));

    /// <summary>Whether comfort noise plays now (for tests).</summary>
    internal bool ComfortNoisePlaying => _playout?.ComfortNoise is not null;

    private void StartComfortNoise(AudioFormat legFormat) =>
        _comfortBed = ComfortNoise?.Create(legFormat) ?? new ComfortNoiseBed(new ComfortNoiseOptions().LevelDbfs);

    /// <summary>Puts the bed on the playout or takes it off, from the override, the setting and what the agent is doing.</summary>
    private void UpdateComfortNoise()
    {
        var thinking = _callerTurnEnded || _toolsRunning > 0;
        var on = _comfortOverride ?? ((ComfortNoise?.WhileThinking ?? false) && thinking);
        _playout!.ComfortNoise = on ? _comfortBed : null;
    }
}
