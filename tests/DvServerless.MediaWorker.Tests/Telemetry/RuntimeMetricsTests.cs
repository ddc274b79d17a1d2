using System.Net;
using DvServerless.MediaWorker.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace DvServerless.MediaWorker.Tests.Telemetry;

/// <summary>
/// A deployed worker shows its runtime on its own <c>/metrics</c>, not only inside <c>dvs load</c>: GC pauses and the
/// runtime's meter always, thread-pool starvation when asked for.
/// </summary>
[Collection(WorkerMeterAlone.Name)]
public sealed class RuntimeMetricsTests
{
    private const string Counter = "dvs_runtime_threadpool_starvations_total";

    [Fact]
    public async Task Metrics_on_the_internal_port_carry_the_thread_pool_starvation_counter_from_start_when_asked_for()
    {
        var body = await MetricsAsync("--MediaWorker:CountThreadPoolStarvation=true");

        // No call has run yet: the counter is there from the worker's start, as a Prometheus counter.
        Assert.Contains($"# TYPE {Counter} counter", body, StringComparison.Ordinal);
        var sample = body.Split('\n').FirstOrDefault(line => line.StartsWith(Counter + "{", StringComparison.Ordinal) || line.StartsWith(Counter + " ", StringComparison.Ordinal));
        Assert.True(sample is not null, body);
        Assert.True(long.TryParse(sample.Split(' ')[^1], out var starvations) && starvations >= 0, sample);
    }

    [Fact]
    public async Task By_default_metrics_carry_gc_pauses_in_millisecond_buckets_and_the_runtime_meter_but_no_starvation_counter()
    {
        var body = await MetricsAsync();

        Assert.DoesNotContain(Counter, body, StringComparison.Ordinal);
        Assert.Contains("# TYPE dvs_runtime_gc_pause_milliseconds histogram", body, StringComparison.Ordinal);
        // Buckets fitted to pauses (a default histogram's first bounds are 0, 5, 10 ms).
        Assert.Contains("dvs_runtime_gc_pause_milliseconds_bucket{otel_scope_name=\"DvServerless.MediaWorker\",le=\"0.5\"}", body, StringComparison.Ordinal);
        Assert.Contains("dotnet_gc_last_collection_heap_size_bytes", body, StringComparison.Ordinal);
        Assert.Contains("dotnet_thread_pool_queue_length", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_carry_how_late_the_worker_woke_for_its_20_ms_steps_from_the_start()
    {
        var body = await MetricsWhenAsync("dvs_runtime_wake_lateness_milliseconds_count");

        // The probe runs from the worker's start, before any call: by the time /metrics answers it has woken a few times.
        Assert.Contains("# TYPE dvs_runtime_wake_lateness_milliseconds histogram", body, StringComparison.Ordinal);
        var count = body.Split('\n').FirstOrDefault(line => line.StartsWith("dvs_runtime_wake_lateness_milliseconds_count", StringComparison.Ordinal));
        Assert.True(count is not null, body);
        Assert.True(long.TryParse(count.Split(' ')[1], out var wakeUps) && wakeUps > 0, count);
    }

    private static Task<string> MetricsAsync(params string[] settings) => MetricsWhenAsync("dvs_runtime_gc_pause_milliseconds_count", settings);

    // The body once it holds waitFor (or after 10 s).
    private static async Task<string> MetricsWhenAsync(string waitFor, params string[] settings)
    {
        // Kestrel on loopback: /metrics answers on the internal port only.
        await using var app = MediaWorkerApp.Build(["--urls", "http://127.0.0.1:0", .. settings]);
        await app.StartAsync();
        using var http = new HttpClient();
        var metrics = new Uri(app.Services.GetRequiredService<InternalPort>().LocalBaseUrl, "/metrics");

        // A collection while the worker runs, so the pause histogram has a sample (the poller reads it within 100 ms).
        GC.Collect(0, GCCollectionMode.Forced, blocking: true);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            using var response = await http.GetAsync(metrics);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = await response.Content.ReadAsStringAsync();
            if (body.Contains(waitFor, StringComparison.Ordinal) || waited.Elapsed > TimeSpan.FromSeconds(10))
            {
                return body;
            }

            await Task.Delay(200);
        }
    }
}

/// <summary>
/// Tests that read the worker's meter from <c>/metrics</c> run alone: the exporter listens to every meter of that name in
/// the process, so another test's worker would add its own series.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class WorkerMeterAlone
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Worker meter read alone";
}
