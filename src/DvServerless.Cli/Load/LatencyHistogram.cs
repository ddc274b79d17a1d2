namespace DvServerless.Cli.Load;

/// <summary>
/// Millisecond samples counted in fixed buckets, safe to record into from many threads at once without locks or
/// allocation, with nearest-rank percentiles. Buckets are 0.01 ms wide below 100 ms and 1 ms wide up to 60 s; a value is
/// reported as the lower edge of its bucket, so a percentile is exact to the bucket width.
/// </summary>
/// <remarks>
/// A load run feeds it one sample per agent frame of every call (a million and more), so it stores counts, never the
/// samples themselves.
/// </remarks>
public sealed class LatencyHistogram
{
    private const double FineWidthMs = 0.01;
    private const double FineLimitMs = 100;
    private const double CoarseWidthMs = 1;
    private const double CoarseLimitMs = 60_000;
    private const int FineBuckets = (int)(FineLimitMs / FineWidthMs);
    private const int CoarseBuckets = (int)((CoarseLimitMs - FineLimitMs) / CoarseWidthMs);

    private readonly long[] _counts = new long[FineBuckets + CoarseBuckets + 1];
    private long _count;
    private long _maxTicks;

    /// <summary>Samples recorded.</summary>
    public long Count => Interlocked.Read(ref _count);

    /// <summary>The largest sample, in milliseconds (0 when empty).</summary>
    public double MaxMs => Interlocked.Read(ref _maxTicks) / (double)TimeSpan.TicksPerMillisecond;

    /// <summary>Records one sample; negative values count as 0, values past 60 s as 60 s.</summary>
    public void Record(double milliseconds)
    {
        if (double.IsNaN(milliseconds) || milliseconds < 0)
        {
            milliseconds = 0;
        }

        Interlocked.Increment(ref _counts[BucketOf(milliseconds)]);
        Interlocked.Increment(ref _count);
        var ticks = (long)Math.Min(milliseconds * TimeSpan.TicksPerMillisecond, long.MaxValue / 2);
        var max = Interlocked.Read(ref _maxTicks);
        while (ticks > max)
        {
            var seen = Interlocked.CompareExchange(ref _maxTicks, ticks, max);
            if (seen == max)
            {
                break;
            }

            max = seen;
        }
    }

    /// <summary>
    /// The nearest-rank <paramref name="percentile"/> (0–100] in milliseconds: the smallest value with at least that share
    /// of samples at or below it. Null when nothing was recorded.
    /// </summary>
    public double? Percentile(double percentile)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(percentile);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percentile, 100);
        var count = Count;
        if (count == 0)
        {
            return null;
        }

        var rank = (long)Math.Ceiling(percentile / 100 * count);
        long seen = 0;
        for (var bucket = 0; bucket < _counts.Length; bucket++)
        {
            seen += Interlocked.Read(ref _counts[bucket]);
            if (seen >= rank)
            {
                // Past the range the largest sample is the best figure there is.
                return bucket == _counts.Length - 1 ? MaxMs : LowerEdgeOf(bucket);
            }
        }

        return MaxMs;
    }

    private static int BucketOf(double milliseconds)
    {
        if (milliseconds < FineLimitMs)
        {
            // The nudge keeps a value written with two decimals (19.99) in its own bucket despite binary rounding.
            return Math.Min(FineBuckets - 1, (int)(milliseconds / FineWidthMs + 1e-6));
        }

        if (milliseconds < CoarseLimitMs)
        {
            return FineBuckets + (int)((milliseconds - FineLimitMs) / CoarseWidthMs);
        }

        return FineBuckets + CoarseBuckets;
    }

    private static double LowerEdgeOf(int bucket) => bucket < FineBuckets
        ? Math.Round(bucket * FineWidthMs, 2)
        : FineLimitMs + (bucket - FineBuckets) * CoarseWidthMs;
}
