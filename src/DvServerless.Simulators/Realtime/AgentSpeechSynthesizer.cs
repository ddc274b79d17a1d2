namespace DvServerless.Simulators.Realtime;

/// <summary>
/// Makes the agent's "voice": deterministic speech-like PCM16 — a harmonic tone whose pitch glides between 120 and
/// 180 Hz, shaped by a syllable-rate (≈4 Hz) envelope with short pauses between words, scaled to about −16 dBFS RMS.
/// Speech-like rather than a pure tone so that level meters, VAD and codecs downstream see realistic input.
/// </summary>
internal static class AgentSpeechSynthesizer
{
    private const double TargetRmsDbfs = -16;

    /// <summary>PCM16 samples of <paramref name="text"/> spoken for <paramref name="durationMs"/> at <paramref name="sampleRate"/>.</summary>
    public static short[] Synthesize(string text, double durationMs, int sampleRate)
    {
        var count = (int)Math.Round(durationMs * sampleRate / 1000.0);
        var samples = new double[count];
        var seed = StableHash(text);
        var pitchPhase = (seed % 628) / 100.0;
        var syllableRate = 3.5 + (seed % 100) / 100.0;
        var phase = 0.0;
        for (var n = 0; n < count; n++)
        {
            var t = (double)n / sampleRate;
            var f0 = 150 + 30 * Math.Sin(2 * Math.PI * 0.7 * t + pitchPhase);
            phase += 2 * Math.PI * f0 / sampleRate;
            var voice = 0.0;
            for (var h = 1; h <= 6; h++)
            {
                voice += Math.Sin(h * phase) / h;
            }

            var syllable = Math.Sin(Math.PI * (t * syllableRate % 1.0));
            // Every fourth syllable is a short pause, like the gap between words.
            var pause = (int)(t * syllableRate) % 4 == 3 ? 0.1 : 1.0;
            samples[n] = voice * syllable * syllable * pause;
        }

        var sumSquares = 0.0;
        foreach (var s in samples)
        {
            sumSquares += s * s;
        }

        var rms = count == 0 ? 0 : Math.Sqrt(sumSquares / count);
        var gain = rms == 0 ? 0 : 32768 * Math.Pow(10, TargetRmsDbfs / 20) / rms;
        var fade = Math.Max(1, sampleRate / 100);
        var result = new short[count];
        for (var n = 0; n < count; n++)
        {
            var edge = Math.Min(1.0, Math.Min(n, count - 1 - n) / (double)fade);
            result[n] = (short)Math.Clamp(Math.Round(samples[n] * gain * edge), short.MinValue, short.MaxValue);
        }

        return result;
    }

    // FNV-1a: string.GetHashCode is randomized per process and would make the audio change between runs.
    private static uint StableHash(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return hash;
    }
}
