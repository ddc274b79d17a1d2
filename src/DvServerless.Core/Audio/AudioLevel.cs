using System.Buffers.Binary;

namespace DvServerless.Core.Audio;

/// <summary>
/// Level meters for PCM16 little-endian audio, in dBFS relative to a full-scale square wave (amplitude 32768): a
/// full-scale sine therefore measures −3.01 dBFS RMS and 0 dBFS peak.
/// </summary>
/// <remarks>
/// Silence (and an empty buffer) measures <see cref="FloorDbfs"/> = −120 dBFS rather than −∞, so that levels stay
/// finite in JSON, metrics and arithmetic. Anything non-silent measures above it: a single least-significant bit in a
/// 20 ms frame at 24 kHz is about −117 dBFS RMS.
/// </remarks>
public static class AudioLevel
{
    /// <summary>The level reported for digital silence: −120 dBFS.</summary>
    public const double FloorDbfs = -120.0;

    private const double FullScale = 32768.0;

    /// <summary>RMS level of <paramref name="pcm16"/> in dBFS, at least <see cref="FloorDbfs"/>.</summary>
    public static double RmsDbfs(ReadOnlySpan<byte> pcm16) => ToDbfs(Rms(pcm16));

    /// <summary>Peak level (largest absolute sample) of <paramref name="pcm16"/> in dBFS, at least <see cref="FloorDbfs"/>.</summary>
    public static double PeakDbfs(ReadOnlySpan<byte> pcm16) => ToDbfs(Peak(pcm16));

    /// <summary>RMS of <paramref name="pcm16"/> as a fraction of full scale (0 for an empty buffer).</summary>
    /// <exception cref="ArgumentException">Odd byte count.</exception>
    public static double Rms(ReadOnlySpan<byte> pcm16)
    {
        var count = SampleCount(pcm16);
        if (count == 0)
        {
            return 0;
        }

        // A long holds 2^33 squared full-scale samples — over 24 hours at 24 kHz — without overflowing.
        long sumOfSquares = 0;
        for (var i = 0; i < count; i++)
        {
            int sample = BinaryPrimitives.ReadInt16LittleEndian(pcm16[(2 * i)..]);
            sumOfSquares += sample * sample;
        }

        return Math.Sqrt((double)sumOfSquares / count) / FullScale;
    }

    /// <summary>Largest absolute sample of <paramref name="pcm16"/> as a fraction of full scale (0 for an empty buffer).</summary>
    /// <exception cref="ArgumentException">Odd byte count.</exception>
    public static double Peak(ReadOnlySpan<byte> pcm16)
    {
        var count = SampleCount(pcm16);
        var peak = 0;
        for (var i = 0; i < count; i++)
        {
            // int, so that |−32768| does not overflow.
            int sample = BinaryPrimitives.ReadInt16LittleEndian(pcm16[(2 * i)..]);
            peak = Math.Max(peak, Math.Abs(sample));
        }

        return peak / FullScale;
    }

    /// <summary>Converts a linear fraction of full scale to dBFS, clamped below at <see cref="FloorDbfs"/>.</summary>
    public static double ToDbfs(double linear) =>
        linear <= 0 ? FloorDbfs : Math.Max(FloorDbfs, 20 * Math.Log10(linear));

    /// <summary>Converts dBFS to a linear fraction of full scale.</summary>
    public static double FromDbfs(double dbfs) => Math.Pow(10, dbfs / 20);

    private static int SampleCount(ReadOnlySpan<byte> pcm16)
    {
        if ((pcm16.Length & 1) != 0)
        {
            throw new ArgumentException($"PCM16 audio needs an even byte count; got {pcm16.Length}.", nameof(pcm16));
        }

        return pcm16.Length / 2;
    }
}
