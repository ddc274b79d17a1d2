using System.Net;
using DvServerless.MediaWorker.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace DvServerless.MediaWorker.Tests.Telemetry;

/// <summary>A deployed worker shows thread-pool starvation on its own <c>/metrics</c>, not only inside <c>dvs load</c>.</summary>
[Collection(WorkerMeterAlone.Name)]
public sealed class RuntimeMetricsTests
{
    private const string Counter = "dvs_runtime_threadpool_starvations_total";

    [Fact]
    public async Task Metrics_on_the_internal_port_carry_the_thread_pool_starvation_counter_from_start()
    {
        // Kestrel on loopback: /metrics answers on the internal port only.
        await using var app = MediaWorkerApp.Build(["--urls", "http://127.0.0.1:0"]);
        await app.StartAsync();
        using var http = new HttpClient();

        using var response = await http.GetAsync(new Uri(app.Services.GetRequiredService<InternalPort>().LocalBaseUrl, "/metrics"));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // No call has run yet: the counter is there from the worker's start, as a Prometheus counter.
        Assert.Contains($"# TYPE {Counter} counter", body, StringComparison.Ordinal);
        var sample = body.Split('\n').FirstOrDefault(line => line.StartsWith(Counter + "{", StringComparison.Ordinal) || line.StartsWith(Counter + " ", StringComparison.Ordinal));
        Assert.True(sample is not null, body);
        Assert.True(long.TryParse(sample.Split(' ')[^1], out var starvations) && starvations >= 0, sample);
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
