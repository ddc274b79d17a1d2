namespace DvServerless.Cli.Load;

/// <summary>
/// A Prometheus histogram as scraped: cumulative counts at each upper bound (the last bound <c>+Inf</c>). Percentiles
/// are read as Prometheus's <c>histogram_quantile</c> reads them, by linear interpolation inside the bucket that holds
/// the rank, so they are as fine as the buckets: the worker's are fitted to what each histogram measures.
/// </summary>
public sealed class BucketHistogram
{
    private readonly double[] _bounds;
    private readonly long[] _cumulative;

    /// <summary>A histogram of <paramref name="cumulative"/> counts at ascending <paramref name="bounds"/>.</summary>
    public BucketHistogram(IReadOnlyList<double> bounds, IReadOnlyList<long> cumulative)
    {
        ArgumentNullException.ThrowIfNull(bounds);
        ArgumentNullException.ThrowIfNull(cumulative);
        if (bounds.Count != cumulative.Count)
        {
            throw new ArgumentException("Every bound needs its count.", nameof(cumulative));
        }

        _bounds = [.. bounds];
        _cumulative = [.. cumulative];
    }

    /// <summary>No buckets, no samples.</summary>
    public static BucketHistogram Empty { get; } = new([], []);

    /// <summary>The samples counted.</summary>
    public long Count => _cumulative.Length == 0 ? 0 : _cumulative[^1];

    /// <summary>
    /// What was counted since <paramref name="earlier"/>, a scrape of the same histogram (counters only grow, so a run's
    /// own distribution is the difference of the scrapes around it).
    /// </summary>
    public BucketHistogram Since(BucketHistogram earlier)
    {
        ArgumentNullException.ThrowIfNull(earlier);
        var counts = new long[_bounds.Length];
        for (var i = 0; i < _bounds.Length; i++)
        {
            var index = Array.IndexOf(earlier._bounds, _bounds[i]);
            counts[i] = _cumulative[i] - (index >= 0 ? earlier._cumulative[index] : 0);
        }

        return new BucketHistogram(_bounds, counts);
    }

    /// <summary>
    /// The <paramref name="percent"/> percentile: interpolated between the bounds of the bucket holding its rank (from 0 for
    /// the first); the highest finite bound when it falls in the <c>+Inf</c> bucket; null with no samples.
    /// </summary>
    public double? Percentile(double percent)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(percent, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percent, 100);
        if (Count == 0)
        {
            return null;
        }

        var rank = percent / 100 * Count;
        for (var i = 0; i < _bounds.Length; i++)
        {
            if (_cumulative[i] < rank || _cumulative[i] == 0)
            {
                continue;
            }

            if (double.IsPositiveInfinity(_bounds[i]))
            {
                return i > 0 ? _bounds[i - 1] : null;
            }

            var lower = i == 0 ? 0 : _bounds[i - 1];
            var below = i == 0 ? 0 : _cumulative[i - 1];
            var inBucket = _cumulative[i] - below;
            return lower + (_bounds[i] - lower) * ((rank - below) / inBucket);
        }

        return null;
    }

    /// <summary>The upper bound of the highest bucket that counted anything (the longest sample is at most this); null when empty.</summary>
    public double? HighestBound()
    {
        for (var i = _bounds.Length - 1; i >= 0; i--)
        {
            var below = i == 0 ? 0 : _cumulative[i - 1];
            if (_cumulative[i] > below)
            {
                return _bounds[i];
            }
        }

        return null;
    }
}
