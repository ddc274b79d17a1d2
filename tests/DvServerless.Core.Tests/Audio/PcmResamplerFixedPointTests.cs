using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using DvServerless.Core.Audio;
using Xunit.Abstractions;
using Kernel = DvServerless.Core.Audio.PcmResampler.FilterKernel;

namespace DvServerless.Core.Tests.Audio;

/// <summary>
/// The fixed-point inner loop of <see cref="PcmResampler"/>: every kernel computes the exact integer filter, no input can
/// overflow it, and it stays within a rounding step of the double-precision design it was rounded from.
/// </summary>
public sealed class PcmResamplerFixedPointTests(ITestOutputHelper output)
{
    public static TheoryData<int, int> ResampledPairs()
    {
        var data = new TheoryData<int, int>();
        foreach (var from in new[] { 8_000, 16_000, 24_000 })
        {
            foreach (var to in new[] { 8_000, 16_000, 24_000 })
            {
                if (from != to)
                {
                    data.Add(from, to);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ResampledPairs))]
    public void Every_kernel_computes_the_exact_integer_filter_in_frames_and_in_uneven_chunks(int from, int to)
    {
        var input = Concat(Noise(from / 2, 12_000, seed: 1), Sweep(from, from / 2, 20_000));
        foreach (var kernel in AvailableKernels())
        {
            // 20 ms frames keep every block at phase 0 (the AVX2 kernel's fixed-offset loops); uneven chunks start
            // blocks at every phase (its table-driven loop and single outputs).
            var expected = ExactIntegerFilter(new PcmResampler(from, to, kernel), input, from, to);
            Assert.Equal(expected, RunInChunks(new PcmResampler(from, to, kernel), input, [from / 50]));
            Assert.Equal(expected, RunInChunks(new PcmResampler(from, to, kernel), input, UnevenChunks));
        }
    }

    [Theory]
    [MemberData(nameof(ResampledPairs))]
    public void No_input_can_overflow_the_sums_and_the_worst_case_saturates(int from, int to)
    {
        var probe = new PcmResampler(from, to);
        var taps = probe.TapsPerPhase;
        var coefficients = probe.FixedPointCoefficients.ToArray();
        var (up, down) = Ratio(from, to);

        for (var phase = 0; phase < up; phase++)
        {
            foreach (var positive in new[] { true, false })
            {
                // Full-scale samples whose signs follow the coefficients' signs, under one output of this phase: the
                // largest sum in magnitude any PCM16 input can produce for it.
                var k = FirstOutputOfPhase(phase, up, down, taps);
                var newest = (int)((long)k * down / up);
                var input = new short[newest + 2 * taps];
                for (var i = 0; i < taps; i++)
                {
                    var agrees = coefficients[phase * taps + i] >= 0 == positive;
                    input[newest - taps + 1 + i] = agrees ? short.MaxValue : short.MinValue;
                }

                foreach (var kernel in AvailableKernels())
                {
                    foreach (var chunks in new[] { [from / 50], UnevenChunks })
                    {
                        var resampler = new PcmResampler(from, to, kernel);
                        var actual = RunInChunks(resampler, input, chunks);
                        Assert.Equal(ExactIntegerFilter(resampler, input, from, to), actual);
                        Assert.Equal(positive ? short.MaxValue : short.MinValue, actual[k]);
                    }
                }
            }

            // The bound the coefficients were chosen by, checked on the coefficients themselves: it covers every input.
            var magnitude = coefficients.AsSpan(phase * taps, taps).ToArray().Sum(c => (long)Math.Abs((int)c));
            Assert.True(magnitude * 32_768 + (1L << (probe.FractionBits - 1)) <= int.MaxValue, $"phase {phase} can overflow");
            Assert.DoesNotContain(short.MinValue, coefficients);
        }
    }

    [Theory]
    [MemberData(nameof(ResampledPairs))]
    public void Output_stays_within_a_few_LSB_of_the_double_precision_design(int from, int to)
    {
        var resampler = new PcmResampler(from, to);
        var (up, down) = Ratio(from, to);
        var design = PcmResampler.DesignPolyphaseFilter(up, down, resampler.TapsPerPhase);
        var input = Concat(Noise(from, 8_000, seed: 2), Sweep(from, from, 16_000));
        var actual = RunInChunks(resampler, input, UnevenChunks);

        // The fixed-point coefficients as exact fractions, so the coefficient rounding can be told from the output rounding.
        var scale = Math.Pow(2, -resampler.FractionBits);
        var rounded = resampler.FixedPointCoefficients.ToArray().Select(c => c * scale).ToArray();
        var maxDifference = 0.0;
        double signal = 0, noise = 0, coefficientNoise = 0;
        for (var k = 0; k < actual.Length; k++)
        {
            var reference = DesignOutput(design, resampler.TapsPerPhase, input, k, up, down);
            var unrounded = DesignOutput(rounded, resampler.TapsPerPhase, input, k, up, down);
            var clamped = Math.Clamp(reference, short.MinValue, short.MaxValue);
            maxDifference = Math.Max(maxDifference, Math.Abs(actual[k] - Math.Round(clamped)));
            signal += reference * reference;
            noise += (actual[k] - clamped) * (actual[k] - clamped);
            coefficientNoise += (unrounded - reference) * (unrounded - reference);
        }

        var snr = 10 * Math.Log10(signal / noise);
        var coefficientSnr = 10 * Math.Log10(signal / coefficientNoise);
        var roundingFloor = 10 * Math.Log10(signal / (actual.Length / 12.0));
        output.WriteLine($"{from}->{to} Hz: Q{resampler.FractionBits}, max |fixed - double design| {maxDifference} LSB, " +
            $"SNR {snr:0.0} dB (PCM16 rounding alone {roundingFloor:0.0} dB; coefficient rounding alone {coefficientSnr:0.0} dB)");

        // Q15 is the finest scale that provably cannot overflow; rounding 16 to 48 taps to it moves an output by a few LSB
        // at most, and its error stays 15 dB or more below the leakage the design itself allows (a 60 dB stop band).
        Assert.True(maxDifference <= 3, $"max difference {maxDifference} LSB");
        Assert.True(coefficientSnr > 75, $"coefficient rounding SNR {coefficientSnr:0.0} dB");
        Assert.True(snr > 75, $"SNR {snr:0.0} dB");
    }

    private static readonly int[] UnevenChunks = [1, 7, 333, 1001, 2, 5, 480, 3, 960, 1500];

    private static IEnumerable<Kernel> AvailableKernels() =>
        Avx2.IsSupported ? [Kernel.Avx2, Kernel.Vector128, Kernel.Scalar] : [Kernel.Vector128, Kernel.Scalar];

    /// <summary>The resampler's integer filter written out plainly in 64-bit arithmetic, from its own coefficients.</summary>
    private static short[] ExactIntegerFilter(PcmResampler resampler, short[] input, int from, int to)
    {
        var (up, down) = Ratio(from, to);
        var taps = resampler.TapsPerPhase;
        var coefficients = resampler.FixedPointCoefficients.ToArray();
        var count = (int)(((long)input.Length * up + down - 1) / down);
        var result = new short[count];
        for (var k = 0; k < count; k++)
        {
            var newest = (int)((long)k * down / up);
            var phase = (int)((long)k * down % up);
            var sum = 0L;
            for (var i = 0; i < taps; i++)
            {
                var index = newest - taps + 1 + i;
                sum += index < 0 ? 0 : coefficients[phase * taps + i] * (long)input[index];
            }

            result[k] = (short)Math.Clamp((sum + (1L << (resampler.FractionBits - 1))) >> resampler.FractionBits, short.MinValue, short.MaxValue);
        }

        return result;
    }

    private static double DesignOutput(double[] design, int taps, short[] input, int k, int up, int down)
    {
        var newest = (int)((long)k * down / up);
        var phase = (int)((long)k * down % up);
        var sum = 0.0;
        for (var i = 0; i < taps; i++)
        {
            var index = newest - taps + 1 + i;
            sum += index < 0 ? 0 : design[phase * taps + i] * input[index];
        }

        return sum;
    }

    private static short[] RunInChunks(PcmResampler resampler, short[] input, int[] chunkSamples)
    {
        var bytes = MemoryMarshal.AsBytes(input.AsSpan()).ToArray();
        var result = new List<short>();
        var offset = 0;
        for (var i = 0; offset < bytes.Length; i++)
        {
            var length = Math.Min(chunkSamples[i % chunkSamples.Length] * 2, bytes.Length - offset);
            var chunk = new byte[resampler.GetOutputByteCount(length)];
            Assert.Equal(chunk.Length, resampler.Process(bytes.AsSpan(offset, length), chunk));
            result.AddRange(MemoryMarshal.Cast<byte, short>(chunk).ToArray());
            offset += length;
        }

        return [.. result];
    }

    private static int FirstOutputOfPhase(int phase, int up, int down, int taps)
    {
        // Far enough in that the whole window is input, not the zero history.
        var k = taps * up;
        while ((long)k * down % up != phase)
        {
            k++;
        }

        return k;
    }

    private static (int Up, int Down) Ratio(int from, int to)
    {
        var divisor = from % 8_000 == 0 && to % 8_000 == 0 ? 8_000 : 1;
        return (to / divisor, from / divisor);
    }

    private static short[] Noise(int samples, int peak, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, samples).Select(_ => (short)random.Next(-peak, peak + 1)).ToArray();
    }

    private static short[] Sweep(int rate, int samples, double amplitude)
    {
        // A linear chirp from 50 Hz to the input's Nyquist frequency: pass band, transition and stop band in turn.
        var result = new short[samples];
        var seconds = (double)samples / rate;
        for (var i = 0; i < samples; i++)
        {
            var t = (double)i / rate;
            var phase = 2 * Math.PI * (50 * t + (rate / 2.0 - 50) / (2 * seconds) * t * t);
            result[i] = (short)Math.Round(amplitude * Math.Sin(phase));
        }

        return result;
    }

    private static short[] Concat(short[] first, short[] second) => [.. first, .. second];
}
