namespace DvServerless.Core.Audio;

/// <content>The filter design: the Kaiser-windowed sinc in double precision and its fixed-point form.</content>
public sealed partial class PcmResampler
{
    private const double KaiserBeta = 5.65;
    private const double CutoffFraction = 0.85;

    // Largest sample magnitude a PCM16 input can have (−32768).
    private const long FullScale = 32_768;

    /// <summary>
    /// The polyphase filter for <paramref name="up"/>/<paramref name="down"/> in double precision: <paramref name="up"/>
    /// phases of <paramref name="tapsPerPhase"/> taps, each phase oldest-sample-first with unity DC gain. It is the reference
    /// the fixed-point coefficients are rounded from.
    /// </summary>
    internal static double[] DesignPolyphaseFilter(int up, int down, int tapsPerPhase)
    {
        // Prototype low-pass at the upsampled rate L·fin. Cut-off as a fraction of that rate's Nyquist frequency:
        // the lower of the two Nyquist frequencies, pulled in so the transition band ends near it.
        var length = up * tapsPerPhase;
        var cutoff = CutoffFraction / Math.Max(up, down); // normalised to the upsampled Nyquist frequency
        var center = (length - 1) / 2.0;
        var prototype = new double[length];
        var besselBeta = BesselI0(KaiserBeta);
        for (var j = 0; j < length; j++)
        {
            var x = j - center;
            var sinc = x == 0 ? cutoff : Math.Sin(Math.PI * cutoff * x) / (Math.PI * x);
            var ratio = x / (center + 0.5);
            var kaiser = BesselI0(KaiserBeta * Math.Sqrt(Math.Max(0, 1 - ratio * ratio))) / besselBeta;
            prototype[j] = sinc * kaiser;
        }

        // Each phase is normalised to unity DC gain, so a constant input gives the same constant out of every phase
        // (no ripple at the phase rate, which an overall L-gain normalisation would leave behind).
        var coefficients = new double[length];
        for (var phase = 0; phase < up; phase++)
        {
            var sum = 0.0;
            for (var i = 0; i < tapsPerPhase; i++)
            {
                sum += prototype[phase + i * up];
            }

            for (var i = 0; i < tapsPerPhase; i++)
            {
                // Tap i (applied to the sample i steps in the past) is stored at T−1−i, so the dot product runs over
                // the window oldest-first and reads both arrays forward.
                coefficients[phase * tapsPerPhase + (tapsPerPhase - 1 - i)] = prototype[phase + i * up] / sum;
            }
        }

        return coefficients;
    }

    /// <summary>
    /// The coefficients rounded to int16 with the most fraction bits (at most 15) for which no PCM16 input can overflow
    /// the int32 sum: for every phase, Σ|h|·32768 plus the rounding half must stay within int.MaxValue. That sum bounds
    /// every partial sum too, and no coefficient is −32768, so the one product pair that overflows a 16×16→32 multiply-add
    /// (−32768·−32768 twice) cannot occur.
    /// </summary>
    internal static (short[] Coefficients, int FractionBits) ToFixedPoint(double[] design, int phases, int tapsPerPhase)
    {
        for (var bits = 15; bits >= 8; bits--)
        {
            var one = 1 << bits;
            var fixedPoint = new short[design.Length];
            var fits = true;
            for (var phase = 0; phase < phases && fits; phase++)
            {
                var rounded = RoundKeepingSum(design.AsSpan(phase * tapsPerPhase, tapsPerPhase), one);
                var magnitude = 0L;
                for (var i = 0; i < rounded.Length; i++)
                {
                    fits &= Math.Abs(rounded[i]) <= short.MaxValue;
                    magnitude += Math.Abs(rounded[i]);
                    fixedPoint[phase * tapsPerPhase + i] = (short)rounded[i];
                }

                fits &= magnitude * FullScale + (one >> 1) <= int.MaxValue;
            }

            if (fits)
            {
                return (fixedPoint, bits);
            }
        }

        throw new InvalidOperationException("The filter has no fixed-point form that cannot overflow.");
    }

    /// <summary>
    /// Each tap times <paramref name="one"/>, rounded down or up so that the taps still sum to exactly <paramref name="one"/>
    /// (unity DC gain, so a constant input comes out as the same constant): the taps with the largest fractions go up.
    /// Every tap stays within one unit of its exact value, most within half a unit.
    /// </summary>
    private static long[] RoundKeepingSum(ReadOnlySpan<double> taps, long one)
    {
        var rounded = new long[taps.Length];
        var fractions = new double[taps.Length];
        var order = new int[taps.Length];
        var deficit = one;
        for (var i = 0; i < taps.Length; i++)
        {
            var scaled = taps[i] * one;
            rounded[i] = (long)Math.Floor(scaled);
            fractions[i] = scaled - rounded[i];
            order[i] = i;
            deficit -= rounded[i];
        }

        // The design sums to one, so the floors fall short by between 0 and T units.
        Array.Sort(fractions.ToArray(), order);
        for (var i = 0; i < deficit; i++)
        {
            rounded[order[taps.Length - 1 - i]]++;
        }

        return rounded;
    }

    private static double BesselI0(double x)
    {
        // Power series of the modified Bessel function of the first kind, order 0; converges fast for x ≤ 10.
        var sum = 1.0;
        var term = 1.0;
        var half = x / 2;
        for (var k = 1; k < 50; k++)
        {
            term *= half / k * (half / k);
            sum += term;
            if (term < sum * 1e-12)
            {
                break;
            }
        }

        return sum;
    }
}
