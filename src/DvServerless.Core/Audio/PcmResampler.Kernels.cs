using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace DvServerless.Core.Audio;

/// <content>The inner loop: exact int16 × int16 → int32 dot products over the window, and their rounding to PCM16.</content>
public sealed partial class PcmResampler
{
    private const int GroupSize = 8;

    /// <summary>Which inner loop computes the dot products; every kernel gives the same samples, bit for bit.</summary>
    internal enum FilterKernel
    {
        /// <summary>Eight outputs at a time with AVX2 multiply-adds (vpmaddwd) and one transposing reduction.</summary>
        Avx2,

        /// <summary>One output at a time with Vector128 (any SIMD platform; pmaddwd on x64 without AVX2).</summary>
        Vector128,

        /// <summary>One output at a time in plain integer arithmetic.</summary>
        Scalar,
    }

    private int FilterEach(int available, ref int position, ref int phase)
    {
        var written = 0;
        var taps = _taps;
        var sums = _sums;
        var vector = _kernel == FilterKernel.Vector128;
        ref var window = ref MemoryMarshal.GetArrayDataReference(_window);
        ref var coefficients = ref MemoryMarshal.GetArrayDataReference(_coefficients);
        while (position < available)
        {
            ref var samples = ref Unsafe.Add(ref window, position);
            ref var phaseCoefficients = ref Unsafe.Add(ref coefficients, phase * taps);
            sums[written++] = vector ? DotVector128(ref samples, ref phaseCoefficients, taps) : DotScalar(ref samples, ref phaseCoefficients, taps);
            position += _advance[phase];
            phase = _nextPhase[phase];
        }

        return written;
    }

    /// <summary>The exact dot product of <paramref name="count"/> (a multiple of 8) samples and coefficients, with Vector128.</summary>
    private static int DotVector128(ref short samples, ref short coefficients, int count)
    {
        var sum = Vector128<int>.Zero;
        if (Sse2.IsSupported)
        {
            // pmaddwd: the 128-bit form of the AVX2 kernel's multiply-add, for x64 processors without AVX2.
            for (var i = 0; i < count; i += 8)
            {
                sum += Sse2.MultiplyAddAdjacent(Vector128.LoadUnsafe(ref samples, (nuint)i), Vector128.LoadUnsafe(ref coefficients, (nuint)i));
            }

            return Vector128.Sum(sum);
        }

        for (var i = 0; i < count; i += 8)
        {
            var (samplesLow, samplesHigh) = Vector128.Widen(Vector128.LoadUnsafe(ref samples, (nuint)i));
            var (coefficientsLow, coefficientsHigh) = Vector128.Widen(Vector128.LoadUnsafe(ref coefficients, (nuint)i));
            sum += samplesLow * coefficientsLow + samplesHigh * coefficientsHigh;
        }

        return Vector128.Sum(sum);
    }

    /// <summary>The exact dot product of <paramref name="count"/> samples and coefficients, one product at a time.</summary>
    private static int DotScalar(ref short samples, ref short coefficients, int count)
    {
        var total = 0;
        for (var i = 0; i < count; i++)
        {
            total += Unsafe.Add(ref samples, i) * Unsafe.Add(ref coefficients, i);
        }

        return total;
    }

    /// <summary>Rounds each sum to PCM16 (half up) and saturates: filter overshoot on full-scale input clips, never wraps.</summary>
    private static void ToPcm(ReadOnlySpan<int> sums, Span<short> destination, int fractionBits)
    {
        var half = 1 << (fractionBits - 1);
        var i = 0;
        if (Vector256.IsHardwareAccelerated && BitConverter.IsLittleEndian)
        {
            var round = Vector256.Create(half);
            var min = Vector256.Create((int)short.MinValue);
            var max = Vector256.Create((int)short.MaxValue);
            ref var from = ref MemoryMarshal.GetReference(sums);
            ref var to = ref MemoryMarshal.GetReference(destination);
            for (; i <= sums.Length - 16; i += 16)
            {
                var low = Vector256.ShiftRightArithmetic(Vector256.LoadUnsafe(ref from, (nuint)i) + round, fractionBits);
                var high = Vector256.ShiftRightArithmetic(Vector256.LoadUnsafe(ref from, (nuint)(i + 8)) + round, fractionBits);
                Vector256.Narrow(Vector256.Min(Vector256.Max(low, min), max), Vector256.Min(Vector256.Max(high, min), max))
                    .StoreUnsafe(ref to, (nuint)i);
            }
        }

        for (; i < sums.Length; i++)
        {
            var sample = (short)Math.Clamp((sums[i] + half) >> fractionBits, short.MinValue, short.MaxValue);
            destination[i] = BitConverter.IsLittleEndian ? sample : BinaryPrimitives.ReverseEndianness(sample);
        }
    }

    /// <summary>
    /// Eight consecutive outputs from each starting phase: where each one's window starts (relative to the first) and
    /// its phase's coefficients, then how far and to which phase the next eight move.
    /// </summary>
    private sealed record OutputGroups(int[] InputOffsets, int[] CoefficientOffsets, int[] Advance, int[] NextPhase)
    {
        public static OutputGroups Create(int[] advance, int[] nextPhase, int taps)
        {
            var phases = advance.Length;
            var groups = new OutputGroups(new int[phases * GroupSize], new int[phases * GroupSize], new int[phases], new int[phases]);
            for (var start = 0; start < phases; start++)
            {
                var offset = 0;
                var phase = start;
                for (var j = 0; j < GroupSize; j++)
                {
                    groups.InputOffsets[start * GroupSize + j] = offset;
                    groups.CoefficientOffsets[start * GroupSize + j] = phase * taps;
                    offset += advance[phase];
                    phase = nextPhase[phase];
                }

                groups.Advance[start] = offset;
                groups.NextPhase[start] = phase;
            }

            return groups;
        }
    }
}
