namespace DvServerless.Core.Audio;

/// <summary>The outcome of one <see cref="EnergyVad.Process"/> call. Times are milliseconds of audio since the detector started (or was reset).</summary>
/// <param name="Activity">What the frame means.</param>
/// <param name="FrameEndMs">Where the processed frame ends.</param>
/// <param name="LevelDbfs">The frame's RMS level in dBFS.</param>
/// <param name="SpeechStartMs">
/// Where the current (or just stopped) utterance began: the start of its first loud frame, before the minimum duration
/// confirmed it. Null while silent.
/// </param>
/// <param name="SpeechEndMs">For <see cref="VadActivity.SpeechStopped"/>, the end of the utterance's last loud frame; otherwise null.</param>
public readonly record struct VadDecision(
    VadActivity Activity,
    double FrameEndMs,
    double LevelDbfs,
    double? SpeechStartMs = null,
    double? SpeechEndMs = null)
{
    /// <summary>True for <see cref="VadActivity.SpeechStarted"/> and <see cref="VadActivity.Speech"/>.</summary>
    public bool IsSpeech => Activity is VadActivity.SpeechStarted or VadActivity.Speech;
}
