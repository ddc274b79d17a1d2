using DvServerless.Cli.Load;

namespace DvServerless.Cli.Tests.Load;

public sealed class LatencyHistogramTests
{
    [Fact]
    public void Percentiles_AreNearestRank_OverTheRecordedSamples()
    {
        var histogram = new LatencyHistogram();
        // 1, 2, …, 100 ms in a shuffled order: the nearest-rank p50 is 50, p95 is 95, p99 is 99, p100 is 100.
        foreach (var value in Enumerable.Range(1, 100).OrderBy(v => (v * 37) % 101))
        {
            histogram.Record(value);
        }

        Assert.Equal(100, histogram.Count);
        Assert.Equal(50, histogram.Percentile(50));
        Assert.Equal(95, histogram.Percentile(95));
        Assert.Equal(99, histogram.Percentile(99));
        Assert.Equal(100, histogram.Percentile(100));
        Assert.Equal(100, histogram.MaxMs);
    }

    [Fact]
    public void SmallValues_KeepAHundredthOfAMillisecond()
    {
        var histogram = new LatencyHistogram();
        histogram.Record(0.004);
        histogram.Record(1.237);
        histogram.Record(19.99);

        Assert.Equal(0, histogram.Percentile(33));
        Assert.Equal(1.23, histogram.Percentile(66)!.Value, 6);
        Assert.Equal(19.99, histogram.Percentile(99)!.Value, 6);
    }

    [Fact]
    public void Empty_HasNoPercentile_AndNegativeOrNaNCountAsZero()
    {
        var histogram = new LatencyHistogram();
        Assert.Null(histogram.Percentile(99));

        histogram.Record(-3);
        histogram.Record(double.NaN);
        Assert.Equal(0, histogram.Percentile(100));
        Assert.Equal(2, histogram.Count);
    }

    [Fact]
    public void ValuesPastTheRange_AreKept_AsTheLargestSeen()
    {
        var histogram = new LatencyHistogram();
        histogram.Record(10);
        histogram.Record(90_000);

        Assert.Equal(90_000, histogram.Percentile(100));
        Assert.Equal(10, histogram.Percentile(50));
    }

    [Fact]
    public async Task ConcurrentRecording_LosesNoSample()
    {
        var histogram = new LatencyHistogram();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(worker => Task.Run(() =>
        {
            for (var i = 0; i < 10_000; i++)
            {
                histogram.Record(i % 50);
            }
        })));

        Assert.Equal(80_000, histogram.Count);
        Assert.Equal(49, histogram.MaxMs);
    }
}
