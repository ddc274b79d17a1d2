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

        /// <summary>One output at a time with Vector128 (any SIMD platform).</summary>
        Vector128,

        /// <summary>One output at a time in plain integer arithmetic.</summary>
        Scalar,
    }

    private int FilterAvx2(int available, ref int position, ref int phase)
    {
        var written = 0;
        var taps = _taps;
        var groups = _groups;
        ref var window = ref MemoryMarshal.GetArrayDataReference(_window);
        ref var coefficients = ref MemoryMarshal.GetArrayDataReference(_coefficients);
        ref var sums = ref MemoryMarshal.GetArrayDataReference(_sums);
        ref var inputOffsets = ref MemoryMarshal.GetArrayDataReference(groups.InputOffsets);
        ref var coefficientOffsets = ref MemoryMarshal.GetArrayDataReference(groups.CoefficientOffsets);

        // Eight outputs per step while the eighth still has its input; the eight sums come out as one vector.
        while (true)
        {
            var g = phase * GroupSize;
            if (position + Unsafe.Add(ref inputOffsets, g + GroupSize - 1) >= available)
            {
                break;
            }

            ref var from = ref Unsafe.Add(ref window, position);
            ref var offsets = ref Unsafe.Add(ref inputOffsets, g);
            ref var phases = ref Unsafe.Add(ref coefficientOffsets, g);
            var s0 = DotAvx2(ref Unsafe.Add(ref from, offsets), ref Unsafe.Add(ref coefficients, phases), taps);
            var s1 = DotAvx2(ref Unsafe.Add(ref from, Unsafe.Add(ref offsets, 1)), ref Unsafe.Add(ref coefficients, Unsafe.Add(ref phases, 1)), taps);
            var s2 = DotAvx2(ref Unsafe.Add(ref from, Unsafe.Add(ref offsets, 2)), ref Unsafe.Add(ref coefficients, Unsafe.Add(ref phases, 2)), taps);
            var s3 = DotAvx2(ref Unsafe.Add(ref from, Unsafe.Add(ref offsets, 3)), ref Unsafe.Add(ref coefficients, Unsafe.Add(ref phases, 3)), taps);
            var s4 = DotAvx2(ref Unsafe.Add(ref from, Unsafe.Add(ref offsets, 4)), ref Unsafe.Add(ref coefficients, Unsafe.Add(ref phases, 4)), taps);
            var s5 = DotAvx2(ref Unsafe.Add(ref from, Unsafe.Add(ref offsets, 5)), ref Unsafe.Add(ref coefficients, Unsafe.Add(ref phases, 5)), taps);
            var s6 = DotAvx2(ref Unsafe.Add(ref from, Unsafe.Add(ref offsets, 6)), ref Unsafe.Add(ref coefficients, Unsafe.Add(ref phases, 6)), taps);
            var s7 = DotAvx2(ref Unsafe.Add(ref from, Unsafe.Add(ref offsets, 7)), ref Unsafe.Add(ref coefficients, Unsafe.Add(ref phases, 7)), taps);
            SumEach(s0, s1, s2, s3, s4, s5, s6, s7).StoreUnsafe(ref sums, (nuint)written);
            written += GroupSize;
            position += groups.Advance[phase];
            phase = groups.NextPhase[phase];
        }

        // The last few outputs of the block, one at a time.
        while (position < available)
        {
            var partial = DotAvx2(ref Unsafe.Add(ref window, position), ref Unsafe.Add(ref coefficients, phase * taps), taps);
            Unsafe.Add(ref sums, written++) = Vector256.Sum(partial);
            position += _advance[phase];
            phase = _nextPhase[phase];
        }

        return written;
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

    /// <summary>Eight int32 partial sums of <paramref name="count"/> (a multiple of 16) products, in pairs per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> DotAvx2(ref short samples, ref short coefficients, int count)
    {
        var sum = Avx2.MultiplyAddAdjacent(Vector256.LoadUnsafe(ref samples), Vector256.LoadUnsafe(ref coefficients));
        for (var i = 16; i < count; i += 16)
        {
            sum = Avx2.Add(sum, Avx2.MultiplyAddAdjacent(
                Vector256.LoadUnsafe(ref samples, (nuint)i), Vector256.LoadUnsafe(ref coefficients, (nuint)i)));
        }

        return sum;
    }

    /// <summary>The eight lanes of each of eight vectors summed: element j of the result is the sum of <c>sj</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> SumEach(
        Vector256<int> s0, Vector256<int> s1, Vector256<int> s2, Vector256<int> s3,
        Vector256<int> s4, Vector256<int> s5, Vector256<int> s6, Vector256<int> s7)
    {
        // Pairwise adds within each 128-bit lane: after two rounds the low lane holds the low-half sums of s0..s3 (and
        // of s4..s7), the high lane their high-half sums; one cross-lane add finishes all eight.
        var s0123 = Avx2.HorizontalAdd(Avx2.HorizontalAdd(s0, s1), Avx2.HorizontalAdd(s2, s3));
        var s4567 = Avx2.HorizontalAdd(Avx2.HorizontalAdd(s4, s5), Avx2.HorizontalAdd(s6, s7));
        return Avx2.Add(Avx2.Permute2x128(s0123, s4567, 0x20), Avx2.Permute2x128(s0123, s4567, 0x31));
    }

    /// <summary>The exact dot product of <paramref name="count"/> (a multiple of 8) samples and coefficients, with Vector128.</summary>
    private static int DotVector128(ref short samples, ref short coefficients, int count)
    {
        var sum = Vector128<int>.Zero;
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
