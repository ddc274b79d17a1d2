namespace DvServerless.Simulators.Realtime;

/// <summary>
/// The simulator's server VAD: the energy of each 20 ms frame of the input timeline against a threshold in dBFS.
/// Speech starts after two loud frames in a row (at the first of them) and stops after
/// <c>silence_duration_ms</c> of quiet frames (at the end of that silence, as the service reports it).
/// </summary>
internal sealed class EnergyVoiceActivityDetector
{
    private const int FrameMs = 20;
    private readonly int _frameSamples;
    private double _frameSumSquares;
    private int _frameFill;
    private long _framesDone;
    private int _loudRun;
    private long _candidateStartFrame;
    private int _quietMs;

    public EnergyVoiceActivityDetector(int sampleRate)
    {
        _frameSamples = sampleRate * FrameMs / 1000;
    }

    public bool InSpeech { get; private set; }

    /// <summary>Maps <c>turn_detection.threshold</c> (0–1) to dBFS: 0 → −70, 0.5 → −45, 1 → −20.</summary>
    public static double ThresholdDbfs(double threshold) => -70 + 50 * Math.Clamp(threshold, 0, 1);

    /// <summary>Feeds samples; appends (started?, timeline ms) events in order.</summary>
    public void Process(ReadOnlySpan<short> samples, double thresholdDbfs, int silenceDurationMs, List<(bool Started, long AtMs)> events)
    {
        foreach (var sample in samples)
        {
            _frameSumSquares += (double)sample * sample;
            if (++_frameFill < _frameSamples)
            {
                continue;
            }

            var meanSquare = _frameSumSquares / _frameSamples;
            var dbfs = meanSquare <= 0 ? -120 : 10 * Math.Log10(meanSquare / (32768.0 * 32768.0));
            var loud = dbfs > thresholdDbfs;
            _frameSumSquares = 0;
            _frameFill = 0;
            var frame = _framesDone++;
            if (!InSpeech)
            {
                if (!loud)
                {
                    _loudRun = 0;
                    continue;
                }

                if (_loudRun++ == 0)
                {
                    _candidateStartFrame = frame;
                }

                if (_loudRun >= 2)
                {
                    InSpeech = true;
                    _quietMs = 0;
                    events.Add((true, _candidateStartFrame * FrameMs));
                }
            }
            else
            {
                _quietMs = loud ? 0 : _quietMs + FrameMs;
                if (_quietMs >= Math.Max(FrameMs, silenceDurationMs))
                {
                    InSpeech = false;
                    _loudRun = 0;
                    events.Add((false, (frame + 1) * FrameMs));
                }
            }
        }
    }

    /// <summary>Forgets a speech segment in progress (buffer cleared or committed by the client).</summary>
    public void ResetSegment()
    {
        InSpeech = false;
        _loudRun = 0;
        _quietMs = 0;
    }
}
