namespace DvServerless.Core.Audio;

/// <summary>What <see cref="EnergyVad"/> concluded about one frame.</summary>
public enum VadActivity
{
    /// <summary>No speech, and none starting.</summary>
    Silence,
    /// <summary>Speech has lasted the minimum duration; this frame confirms it. Reported once per utterance.</summary>
    SpeechStarted,
    /// <summary>Speech continues (including short pauses shorter than the hangover).</summary>
    Speech,
    /// <summary>Silence has lasted the hangover; the utterance is over. Reported once per utterance.</summary>
    SpeechStopped,
}
