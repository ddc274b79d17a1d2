using DvServerless.Cli.Load;

namespace DvServerless.Cli.Tests.Load;

public sealed class MemorySeriesTests
{
    [Fact]
    public void The_heap_slope_is_taken_over_the_samples_with_every_call_up_in_megabytes_per_hour()
    {
        // Ramp (10 calls up), then 50 calls up for three minutes with the heap growing 1 MB a minute, then the hang-ups.
        var samples = new List<MemorySample>
        {
            new(60, 300, 20, 0, 10, 5),
            new(120, 400, 100, 1, 50, 90),
            new(180, 400, 101, 1, 50, 91),
            new(240, 400, 102, 2, 50, 90),
            new(300, 390, 40, 2, 0, 5),
        };

        Assert.Equal(60, MemorySeries.HeapSlopeMbPerHour(samples, calls: 50)!.Value, 6);
    }

    [Fact]
    public void A_flat_heap_has_a_zero_slope_and_too_few_samples_give_none()
    {
        var flat = new List<MemorySample> { new(60, 400, 100, 0, 50, 90), new(120, 401, 100, 0, 50, 90), new(180, 399, 100, 0, 50, 91) };

        Assert.Equal(0, MemorySeries.HeapSlopeMbPerHour(flat, 50)!.Value, 6);
        Assert.Null(MemorySeries.HeapSlopeMbPerHour(flat.Take(2).ToList(), 50));
    }

    [Fact]
    public void A_soak_is_sampled_every_minute_and_a_short_run_every_ten_seconds()
    {
        Assert.Equal(TimeSpan.FromMinutes(1), MemorySeries.IntervalFor(TimeSpan.FromMinutes(30)));
        Assert.Equal(TimeSpan.FromSeconds(10), MemorySeries.IntervalFor(TimeSpan.FromSeconds(60)));
    }
}
