using DvServerless.Cli.Load;
using DvServerless.Simulators.Azurite;
using DvServerless.Testing;

namespace DvServerless.Cli.Tests.Load;

/// <summary><c>dvs load</c> for real, small: three calls through the whole local stack, the worker in its own process, measured.</summary>
public sealed class LoadRunnerTests
{
    [SkippableFact]
    public async Task ThreeCalls_AllComplete_AndEveryFigureIsMeasured()
    {
        RequireTools();
        var progress = new List<string>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var report = await LoadRunner.MeasureAsync(
            new LoadOptions { Calls = 3, Duration = TimeSpan.FromSeconds(8), Ramp = TimeSpan.Zero },
            line => { lock (progress) { progress.Add(line); } }, plain: true, timeout.Token);

        Assert.True(report.Failed == 0, "failed calls: " + string.Join("; ", report.Failures.Select(f => $"{f.Index}: {f.Failure}")));
        Assert.Equal(3, report.Completed);
        // Each caller heard the agent's first answer: frames arrived and, past each item's opening burst, were measured.
        Assert.True(report.Jitter.Intervals > 50, $"{report.Jitter.Intervals} intervals");
        Assert.True(report.GatewayLatency.Frames >= report.Jitter.Intervals, $"{report.GatewayLatency.Frames} frames at the worker");
        Assert.True(report.Jitter.P50 is >= 0 and < 1000, $"jitter p50 {report.Jitter.P50}");
        Assert.True(report.Jitter.P99 is { } p99 && double.IsFinite(p99) && p99 >= report.Jitter.P50, $"jitter p99 {report.Jitter.P99}");
        Assert.True(report.GatewayLatency.P50 is >= 0 and < 1000, $"gateway p50 {report.GatewayLatency.P50}");
        Assert.True(report.RssMb.Peak > report.RssMb.Baseline / 2 && report.RssMb.Baseline > 10, $"rss {report.RssMb}");
        Assert.True(report.Threads > 3 && report.PoolThreads > 0, $"threads {report.Threads}, pool {report.PoolThreads}");
        Assert.True(report.CpuPercent is > 0, $"cpu {report.CpuPercent}");
        // The worker runs as its own process: the harness (simulators, Functions app, callers) is measured apart.
        Assert.True(report.HarnessCpuPercent is > 0, $"harness cpu {report.HarnessCpuPercent}");
        // Read from the worker's /metrics after every call ended: each call gave back every audio buffer it rented.
        Assert.Equal(0, report.PooledBuffersLeaked);
        Assert.Contains(progress, line => line.StartsWith("calls: ", StringComparison.Ordinal));
    }

    private static void RequireTools()
    {
        string? missing = AzuriteProcess.FindExecutable(RepositoryPaths.Root) is null
            ? "Azurite is not installed (npm ci in the repository root)."
            : !LoadCallerScript.IsAvailable ? "espeak-ng and sox are not installed (scripts/install-tools.sh)." : null;
        if (missing is null)
        {
            return;
        }

        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(missing);
        }

        Skip.If(true, missing);
    }
}
