namespace DvServerless.Core.Audio;

/// <summary>
/// A voice activity detector driven by frame energy: a run of frames at or above a threshold that lasts
/// <see cref="MinSpeechMs"/> starts speech; a run of quieter frames that lasts <see cref="HangoverMs"/> stops it.
/// </summary>
/// <remarks>
/// It is pure: its only clock is the amount of audio it has been given, so the same audio always yields the same
/// decisions, whether processed live or replayed in a test. The minimum duration keeps clicks and line pops from
/// counting as speech; the hangover keeps the pauses between words from ending an utterance. One instance serves one
/// stream; it is not thread-safe.
/// </remarks>
public sealed class EnergyVad
{
    private bool _inSpeech;
    private double _elapsedMs;
    private double _loudRunMs;
    private double _quietRunMs;
    private double? _speechStartMs;
    private double _lastLoudEndMs;

    /// <summary>Creates a detector.</summary>
    /// <param name="thresholdDbfs">Frames with an RMS level at or above this are loud (e.g. −40 dBFS for telephone speech).</param>
    /// <param name="minSpeechMs">How long loud audio must last before speech is reported.</param>
    /// <param name="hangoverMs">How long quiet audio must last before speech is reported stopped.</param>
    /// <exception cref="ArgumentOutOfRangeException">A duration is negative or the threshold is not finite.</exception>
    public EnergyVad(double thresholdDbfs = -40, double minSpeechMs = 60, double hangoverMs = 500)
    {
        if (!double.IsFinite(thresholdDbfs))
        {
            throw new ArgumentOutOfRangeException(nameof(thresholdDbfs), thresholdDbfs, "The threshold must be a finite dBFS value.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(minSpeechMs);
        ArgumentOutOfRangeException.ThrowIfNegative(hangoverMs);
        ThresholdDbfs = thresholdDbfs;
        MinSpeechMs = minSpeechMs;
        HangoverMs = hangoverMs;
    }

    /// <summary>The loudness threshold in dBFS (RMS per frame).</summary>
    public double ThresholdDbfs { get; }

    /// <summary>Loud audio needed to start speech, in ms.</summary>
    public double MinSpeechMs { get; }

    /// <summary>Quiet audio needed to stop speech, in ms.</summary>
    public double HangoverMs { get; }

    /// <summary>True between <see cref="VadActivity.SpeechStarted"/> and <see cref="VadActivity.SpeechStopped"/>.</summary>
    public bool InSpeech => _inSpeech;

    /// <summary>Milliseconds of audio processed since creation or <see cref="Reset"/>.</summary>
    public double ElapsedMs => _elapsedMs;

    /// <summary>Classifies the next frame of the stream.</summary>
    /// <param name="frame">PCM16 little-endian mono samples, typically 10–30 ms.</param>
    /// <param name="format">The frame's format; must be PCM16.</param>
    /// <exception cref="ArgumentException">The format is not PCM16 or the frame has an odd byte count.</exception>
    public VadDecision Process(ReadOnlySpan<byte> frame, AudioFormat format)
    {
        if (format.Encoding != AudioEncoding.Pcm16 || format.SampleRate <= 0)
        {
            throw new ArgumentException($"The VAD needs PCM16 audio, not {format}.", nameof(format));
        }

        var level = AudioLevel.RmsDbfs(frame);
        var frameStart = _elapsedMs;
        var duration = frame.Length / 2 * 1000.0 / format.SampleRate;
        _elapsedMs += duration;
        if (duration == 0)
        {
            // Nothing was heard, so nothing changes.
            return new VadDecision(_inSpeech ? VadActivity.Speech : VadActivity.Silence, _elapsedMs, level, _speechStartMs);
        }

        var loud = level >= ThresholdDbfs;
        if (!_inSpeech)
        {
            if (!loud)
            {
                _loudRunMs = 0;
                _speechStartMs = null;
                return new VadDecision(VadActivity.Silence, _elapsedMs, level);
            }

            _speechStartMs ??= frameStart;
            _loudRunMs += duration;
            _lastLoudEndMs = _elapsedMs;
            if (_loudRunMs < MinSpeechMs)
            {
                return new VadDecision(VadActivity.Silence, _elapsedMs, level);
            }

            _inSpeech = true;
            _quietRunMs = 0;
            return new VadDecision(VadActivity.SpeechStarted, _elapsedMs, level, _speechStartMs);
        }

        if (loud)
        {
            _quietRunMs = 0;
            _lastLoudEndMs = _elapsedMs;
            return new VadDecision(VadActivity.Speech, _elapsedMs, level, _speechStartMs);
        }

        _quietRunMs += duration;
        if (_quietRunMs < HangoverMs)
        {
            return new VadDecision(VadActivity.Speech, _elapsedMs, level, _speechStartMs);
        }

        var stopped = new VadDecision(VadActivity.SpeechStopped, _elapsedMs, level, _speechStartMs, _lastLoudEndMs);
        _inSpeech = false;
        _loudRunMs = 0;
        _quietRunMs = 0;
        _speechStartMs = null;
        return stopped;
    }

    /// <summary>Returns to silence at time zero.</summary>
    public void Reset()
    {
        _inSpeech = false;
        _elapsedMs = 0;
        _loudRunMs = 0;
        _quietRunMs = 0;
        _speechStartMs = null;
        _lastLoudEndMs = 0;
    }
}
