using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace DvServerless.Core.Tests.Audio;

/// <summary>Generated test audio and measurements on it.</summary>
internal static class TestSignals
{
    public static byte[] Sine(int sampleRate, double frequency, double amplitude, int samples, double phase = 0)
    {
        var pcm = new byte[samples * 2];
        for (var i = 0; i < samples; i++)
        {
            var value = amplitude * 32767 * Math.Sin(2 * Math.PI * frequency * i / sampleRate + phase);
            BinaryPrimitives.WriteInt16LittleEndian(pcm.AsSpan(2 * i), (short)Math.Round(value));
        }

        return pcm;
    }

    public static byte[] Silence(int samples) => new byte[samples * 2];

    public static short[] Samples(ReadOnlySpan<byte> pcm) => MemoryMarshal.Cast<byte, short>(pcm).ToArray();

    /// <summary>Amplitude of <paramref name="frequency"/> in the signal, by correlation with sine and cosine (one DFT bin).</summary>
    public static double ToneAmplitude(ReadOnlySpan<short> samples, int sampleRate, double frequency)
    {
        double re = 0, im = 0;
        for (var i = 0; i < samples.Length; i++)
        {
            var angle = 2 * Math.PI * frequency * i / sampleRate;
            re += samples[i] * Math.Cos(angle);
            im += samples[i] * Math.Sin(angle);
        }

        return 2 * Math.Sqrt(re * re + im * im) / samples.Length / 32767;
    }

    /// <summary>Frequency estimated from zero crossings.</summary>
    public static double ZeroCrossingFrequency(ReadOnlySpan<short> samples, int sampleRate)
    {
        int first = -1, last = -1, crossings = 0;
        for (var i = 1; i < samples.Length; i++)
        {
            if (samples[i - 1] < 0 && samples[i] >= 0)
            {
                if (first < 0)
                {
                    first = i;
                }
                else
                {
                    crossings++;
                }

                last = i;
            }
        }

        return crossings * (double)sampleRate / (last - first);
    }

    public static double RmsLinear(ReadOnlySpan<short> samples)
    {
        double sum = 0;
        foreach (var s in samples)
        {
            sum += (double)s * s;
        }

        return Math.Sqrt(sum / samples.Length) / 32768;
    }
}
