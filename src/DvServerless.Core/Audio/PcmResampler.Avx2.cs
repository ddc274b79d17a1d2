using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace DvServerless.Core.Audio;

/// <content>
/// The AVX2 kernel, built on vpmaddwd (16 int16 products summed in pairs into 8 int32 per instruction). In general each
/// output is a run of them over its window and eight outputs are reduced together by one transposing reduction, so their
/// sums come out as one vector; 16 → 24 kHz needs no reduction at all (see <see cref="ThreeHalves"/>).
/// </content>
public sealed partial class PcmResampler
{
    private int FilterAvx2(int available, ref int position, ref int phase)
    {
        var written = 0;

        // The two ratios of a 16 kHz leg (caller 16 → 24 kHz, agent 24 → 16 kHz) have loops whose window offsets are
        // constants and whose coefficients stay in registers. They start at phase 0: whole frames always do, and a chunk
        // of any other length (an engine's audio delta) gets there after at most two single outputs.
        var threeHalves = _up == 3 && _down == 2;
        if (threeHalves || (_up == 2 && _down == 3))
        {
            written = OneAtATimeAvx2(available, ref position, ref phase, written, untilPhaseZero: true);
            if (phase == 0)
            {
                ref var window = ref MemoryMarshal.GetArrayDataReference(_window);
                ref var coefficients = ref MemoryMarshal.GetArrayDataReference(_coefficients);
                ref var sums = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_sums), written);
                written += threeHalves
                    ? ThreeHalves(ref window, ref coefficients, ref sums, available, ref position)
                    : TwoThirds(ref window, ref coefficients, ref sums, available, ref position);
            }
        }

        written = EightAtATimeAvx2(available, ref position, ref phase, written);
        return OneAtATimeAvx2(available, ref position, ref phase, written, untilPhaseZero: false);
    }

    /// <summary>Any ratio: eight outputs per step, their offsets from a table, while the eighth still has its input.</summary>
    private int EightAtATimeAvx2(int available, ref int position, ref int phase, int written)
    {
        var taps = _taps;
        var groups = _groups;
        ref var window = ref MemoryMarshal.GetArrayDataReference(_window);
        ref var coefficients = ref MemoryMarshal.GetArrayDataReference(_coefficients);
        ref var sums = ref MemoryMarshal.GetArrayDataReference(_sums);
        ref var inputOffsets = ref MemoryMarshal.GetArrayDataReference(groups.InputOffsets);
        ref var coefficientOffsets = ref MemoryMarshal.GetArrayDataReference(groups.CoefficientOffsets);
        while (true)
        {
            var g = phase * GroupSize;
            if (position + Unsafe.Add(ref inputOffsets, g + GroupSize - 1) >= available)
            {
                return written;
            }

            ref var from = ref Unsafe.Add(ref window, position);
            ref var offsets = ref Unsafe.Add(ref inputOffsets, g);
            ref var phases = ref Unsafe.Add(ref coefficientOffsets, g);
            var s0 = Dot(ref Unsafe.Add(ref from, offsets), ref Unsafe.Add(ref coefficients, phases), taps);
            var s1 = Dot(ref Unsafe.Add(ref from, Unsafe.Add(ref offsets, 1)), ref Unsafe.Add(ref coefficients, Unsafe.Add(ref phases, 1)), taps);
            var s2 = Dot(ref Unsafe.Add(ref from, Unsafe.Add(ref offsets, 2)), ref Unsafe.Add(ref coefficients, Unsafe.Add(ref phases, 2)), taps);
            var s3 = Dot(ref Unsafe.Add(ref from, Unsafe.Add(ref offsets, 3)), ref Unsafe.Add(ref coefficients, Unsafe.Add(ref phases, 3)), taps);
            var s4 = Dot(ref Unsafe.Add(ref from, Unsafe.Add(ref offsets, 4)), ref Unsafe.Add(ref coefficients, Unsafe.Add(ref phases, 4)), taps);
            var s5 = Dot(ref Unsafe.Add(ref from, Unsafe.Add(ref offsets, 5)), ref Unsafe.Add(ref coefficients, Unsafe.Add(ref phases, 5)), taps);
            var s6 = Dot(ref Unsafe.Add(ref from, Unsafe.Add(ref offsets, 6)), ref Unsafe.Add(ref coefficients, Unsafe.Add(ref phases, 6)), taps);
            var s7 = Dot(ref Unsafe.Add(ref from, Unsafe.Add(ref offsets, 7)), ref Unsafe.Add(ref coefficients, Unsafe.Add(ref phases, 7)), taps);
            SumEach(s0, s1, s2, s3, s4, s5, s6, s7).StoreUnsafe(ref sums, (nuint)written);
            written += GroupSize;
            position += groups.Advance[phase];
            phase = groups.NextPhase[phase];
        }
    }

    /// <summary>Single outputs: the last few of a block, or (<paramref name="untilPhaseZero"/>) those before phase 0.</summary>
    private int OneAtATimeAvx2(int available, ref int position, ref int phase, int written, bool untilPhaseZero)
    {
        var taps = _taps;
        ref var window = ref MemoryMarshal.GetArrayDataReference(_window);
        ref var coefficients = ref MemoryMarshal.GetArrayDataReference(_coefficients);
        ref var sums = ref MemoryMarshal.GetArrayDataReference(_sums);
        while (position < available && !(untilPhaseZero && phase == 0))
        {
            Unsafe.Add(ref sums, written++) = Vector256.Sum(Dot(ref Unsafe.Add(ref window, position), ref Unsafe.Add(ref coefficients, phase * taps), taps));
            position += _advance[phase];
            phase = _nextPhase[phase];
        }

        return written;
    }

    /// <summary>
    /// 16 → 24 kHz (L = 3, M = 2, 16 taps) from phase 0: 24 outputs per 16 inputs. Output 3i reads the window at 2i with
    /// phase 0, output 3i + 1 at 2i with phase 2, output 3i + 2 at 2i + 1 with phase 1. Because the eight outputs of one
    /// phase sit two samples apart, the sample pair (2i + 2m, 2i + 2m + 1) that tap pair m needs is element i + m of the
    /// window read as int32: one load at 2m serves all eight, multiplied by tap pair m broadcast. So each phase's eight
    /// sums build up vertically, with no reduction across lanes, and three permutes per vector interleave the phases.
    /// Ends at phase 0.
    /// </summary>
    private static int ThreeHalves(ref short window, ref short coefficients, ref int sums, int available, ref int position)
    {
        var written = 0;
        // Tap pair m of phase p is pairs[8p + m], its first tap in the low half (x86 is little-endian), as vpmaddwd pairs it.
        ref var pairs = ref Unsafe.As<short, int>(ref coefficients);
        var first = Vector256.Create(0, 0, 0, 1, 1, 1, 2, 2);
        var second = Vector256.Create(2, 3, 3, 3, 4, 4, 4, 5);
        var third = Vector256.Create(5, 5, 6, 6, 6, 7, 7, 7);
        while (position + 15 < available)
        {
            ref var w = ref Unsafe.Add(ref window, position);
            var phase0 = Vector256<int>.Zero;
            var phase1 = Vector256<int>.Zero;
            var phase2 = Vector256<int>.Zero;
            for (var m = 0; m < 8; m++)
            {
                var even = Vector256.LoadUnsafe(ref w, (nuint)(2 * m));
                var odd = Vector256.LoadUnsafe(ref w, (nuint)(2 * m + 1));
                phase0 = Avx2.Add(phase0, Avx2.MultiplyAddAdjacent(even, Vector256.Create(Unsafe.Add(ref pairs, m)).AsInt16()));
                phase2 = Avx2.Add(phase2, Avx2.MultiplyAddAdjacent(even, Vector256.Create(Unsafe.Add(ref pairs, 16 + m)).AsInt16()));
                phase1 = Avx2.Add(phase1, Avx2.MultiplyAddAdjacent(odd, Vector256.Create(Unsafe.Add(ref pairs, 8 + m)).AsInt16()));
            }

            // Output 8k + q is lane (8k + q) / 3 of phase0, phase2 or phase1 as (8k + q) mod 3 is 0, 1 or 2.
            Interleave(phase0, phase2, phase1, first, 0x92, 0x24).StoreUnsafe(ref sums, (nuint)written);
            Interleave(phase0, phase2, phase1, second, 0x24, 0x49).StoreUnsafe(ref sums, (nuint)(written + 8));
            Interleave(phase0, phase2, phase1, third, 0x49, 0x92).StoreUnsafe(ref sums, (nuint)(written + 16));
            written += 24;
            position += 16;
        }

        return written;
    }

    /// <summary>Lane q of the result is lane <paramref name="lanes"/>[q] of a, b or c: of b where bit q of <paramref name="fromB"/> is set, of c where bit q of <paramref name="fromC"/> is set.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Interleave(Vector256<int> a, Vector256<int> b, Vector256<int> c, Vector256<int> lanes, [ConstantExpected] byte fromB, [ConstantExpected] byte fromC) =>
        Avx2.Blend(
            Avx2.Blend(Avx2.PermuteVar8x32(a, lanes), Avx2.PermuteVar8x32(b, lanes), fromB),
            Avx2.PermuteVar8x32(c, lanes),
            fromC);

    /// <summary>
    /// 24 → 16 kHz (L = 2, M = 3, 32 taps) from phase 0: 8 outputs per 12 inputs, output j reading the window at ⌊3j/2⌋
    /// with phase 3j mod 2 (offsets 0, 1, 3, 4, 6, 7, 9, 10; phases alternating 0, 1). Ends at phase 0.
    /// </summary>
    private static int TwoThirds(ref short window, ref short coefficients, ref int sums, int available, ref int position)
    {
        var written = 0;
        var c0 = Vector256.LoadUnsafe(ref coefficients);
        var c0High = Vector256.LoadUnsafe(ref coefficients, 16);
        var c1 = Vector256.LoadUnsafe(ref coefficients, 32);
        var c1High = Vector256.LoadUnsafe(ref coefficients, 48);
        while (position + 10 < available)
        {
            ref var w = ref Unsafe.Add(ref window, position);
            SumEach(Dot(ref w, 0, c0, c0High), Dot(ref w, 1, c1, c1High), Dot(ref w, 3, c0, c0High), Dot(ref w, 4, c1, c1High),
                Dot(ref w, 6, c0, c0High), Dot(ref w, 7, c1, c1High), Dot(ref w, 9, c0, c0High), Dot(ref w, 10, c1, c1High))
                .StoreUnsafe(ref sums, (nuint)written);
            written += 8;
            position += 12;
        }

        return written;
    }

    /// <summary>Eight int32 partial sums of <paramref name="count"/> (a multiple of 16) products, in pairs per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Dot(ref short samples, ref short coefficients, int count)
    {
        var sum = Avx2.MultiplyAddAdjacent(Vector256.LoadUnsafe(ref samples), Vector256.LoadUnsafe(ref coefficients));
        for (var i = 16; i < count; i += 16)
        {
            sum = Avx2.Add(sum, Avx2.MultiplyAddAdjacent(
                Vector256.LoadUnsafe(ref samples, (nuint)i), Vector256.LoadUnsafe(ref coefficients, (nuint)i)));
        }

        return sum;
    }

    /// <summary>Partial sums of 16 taps at <paramref name="offset"/> samples into the window.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Dot(ref short window, nuint offset, Vector256<short> coefficients) =>
        Avx2.MultiplyAddAdjacent(Vector256.LoadUnsafe(ref window, offset), coefficients);

    /// <summary>Partial sums of 32 taps at <paramref name="offset"/> samples into the window.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Dot(ref short window, nuint offset, Vector256<short> low, Vector256<short> high) =>
        Avx2.Add(
            Avx2.MultiplyAddAdjacent(Vector256.LoadUnsafe(ref window, offset), low),
            Avx2.MultiplyAddAdjacent(Vector256.LoadUnsafe(ref window, offset + 16), high));

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
}
