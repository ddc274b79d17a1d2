using System.Diagnostics;
using DvServerless.Cli.Load;

namespace DvServerless.Cli.Tests.Load;

public sealed class WakeLatenessProbeTests
{
    [Fact]
    public async Task The_probe_records_one_wake_up_per_step_while_it_runs_and_none_after_it_is_disposed()
    {
        var lateness = new LatencyHistogram();

        var started = Stopwatch.GetTimestamp();
        var probe = WakeLatenessProbe.Start(lateness);
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        probe.Dispose();
        var ran = Stopwatch.GetElapsedTime(started);
        var recorded = lateness.Count;
        await Task.Delay(TimeSpan.FromMilliseconds(100));

        // A loaded machine wakes the thread late and a late step is not made up, so fewer wake-ups may count than steps
        // fit in the time it ran, but never more (a probe waking early or spinning would record more).
        Assert.InRange(recorded, 3, (long)(ran / WakeLatenessProbe.Step) + 1);
        Assert.Equal(recorded, lateness.Count);
        Assert.True(lateness.Percentile(50) is >= 0, $"p50 {lateness.Percentile(50)}");
    }

    [Fact]
    public void Disposing_returns_once_the_probe_thread_has_ended()
    {
        var lateness = new LatencyHistogram();
        var probe = WakeLatenessProbe.Start(lateness);

        probe.Dispose();
        var recorded = lateness.Count;
        Thread.Sleep(WakeLatenessProbe.Step * 3);

        Assert.Equal(recorded, lateness.Count);
    }
}
