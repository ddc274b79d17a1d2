using DvServerless.Cli.Load;

namespace DvServerless.Cli.Tests.Load;

public sealed class PrometheusScrapeTests
{
    // The shape the OpenTelemetry Prometheus exporter writes (seen on the worker's /metrics), with a second label set.
    private const string Exposition = """
        # TYPE dvs_playout_gateway_latency_milliseconds histogram
        # HELP dvs_playout_gateway_latency_milliseconds Agent audio frame ready → written to the leg.
        dvs_playout_gateway_latency_milliseconds_bucket{otel_scope_name="DvServerless.MediaWorker",le="0.5"} 50 1733460000000
        dvs_playout_gateway_latency_milliseconds_bucket{otel_scope_name="DvServerless.MediaWorker",le="1"} 90
        dvs_playout_gateway_latency_milliseconds_bucket{otel_scope_name="DvServerless.MediaWorker",le="5"} 100
        dvs_playout_gateway_latency_milliseconds_bucket{otel_scope_name="DvServerless.MediaWorker",le="+Inf"} 100
        dvs_playout_gateway_latency_milliseconds_sum{otel_scope_name="DvServerless.MediaWorker"} 61.5
        dvs_playout_gateway_latency_milliseconds_count{otel_scope_name="DvServerless.MediaWorker"} 100
        dvgw_bargein_reaction_ms_bucket{tenant="a",channel="acs",le="1"} 3
        dvgw_bargein_reaction_ms_bucket{tenant="a",channel="acs",le="+Inf"} 4
        dvgw_bargein_reaction_ms_bucket{tenant="b \"quoted\", with comma",channel="acs",le="1"} 1
        dvgw_bargein_reaction_ms_bucket{tenant="b \"quoted\", with comma",channel="acs",le="+Inf"} 1
        dotnet_gc_collections_total{otel_scope_name="System.Runtime",gc_heap_generation="gen2"} 7
        dotnet_gc_collections_total{otel_scope_name="System.Runtime",gc_heap_generation="gen0"} 40
        dotnet_thread_pool_thread_count 3
        this line is not a sample
        """;

    [Fact]
    public void Counters_and_gauges_add_up_over_their_label_sets_or_the_one_label_asked_for()
    {
        var scrape = PrometheusScrape.Parse(Exposition);

        Assert.Equal(47, scrape.Sum("dotnet_gc_collections_total"));
        Assert.Equal(7, scrape.Sum("dotnet_gc_collections_total", "gc_heap_generation", "gen2"));
        Assert.Equal(3, scrape.Sum("dotnet_thread_pool_thread_count"));
        Assert.Equal(0, scrape.Sum("not_there"));
    }

    [Fact]
    public void A_histogram_adds_its_label_sets_bucket_by_bucket_and_escaped_label_values_do_not_break_the_line()
    {
        var scrape = PrometheusScrape.Parse(Exposition);

        var bargeIn = scrape.Histogram("dvgw_bargein_reaction_ms");

        Assert.Equal(5, bargeIn.Count);
        Assert.Contains(scrape.Samples, sample => sample.Labels.TryGetValue("tenant", out var tenant) && tenant == "b \"quoted\", with comma");
        Assert.Equal(0, PrometheusScrape.Parse(Exposition).Histogram("not_there").Count);
    }

    [Fact]
    public void Percentiles_interpolate_inside_the_bucket_that_holds_the_rank_as_histogram_quantile_does()
    {
        var latency = PrometheusScrape.Parse(Exposition).Histogram("dvs_playout_gateway_latency_milliseconds");

        Assert.Equal(100, latency.Count);
        // Rank 50 is the last sample of the first bucket (0 – 0.5 ms).
        Assert.Equal(0.5, latency.Percentile(50)!.Value, 9);
        // Rank 70 is halfway through the 40 samples of 0.5 – 1 ms.
        Assert.Equal(0.75, latency.Percentile(70)!.Value, 9);
        // Rank 99 is the 9th of 10 samples in 1 – 5 ms.
        Assert.Equal(4.6, latency.Percentile(99)!.Value, 9);
        Assert.Equal(5, latency.HighestBound());
    }

    [Fact]
    public void A_run_is_the_difference_of_the_scrapes_around_it()
    {
        var before = new BucketHistogram([1, 5, double.PositiveInfinity], [10, 10, 10]);
        var after = new BucketHistogram([1, 5, double.PositiveInfinity], [10, 30, 31]);

        var run = after.Since(before);

        Assert.Equal(21, run.Count);
        // Nothing new below 1 ms: the run's median lies in 1 – 5 ms, though the process's own would be lower.
        Assert.InRange(run.Percentile(50)!.Value, 1, 5);
        // One sample past the last finite bound: the p99 is reported as that bound, never as infinity.
        Assert.Equal(5, run.Percentile(99));
        Assert.Equal(double.PositiveInfinity, run.HighestBound());
        Assert.Null(BucketHistogram.Empty.Percentile(99));
        Assert.Null(before.Since(before).Percentile(50));
    }
}
