using System.Diagnostics;
using DvServerless.Core.Diagnostics;

namespace DvServerless.Core.Tests.Diagnostics;

public sealed class WakeLatenessProbeTests
{
    [Fact]
    public async Task The_probe_reports_one_wake_up_per_step_while_it_runs_and_none_after_it_is_disposed()
    {
        var wakeUps = new List<TimeSpan>();

        var started = Stopwatch.GetTimestamp();
        var probe = WakeLatenessProbe.Start(late => { lock (wakeUps) { wakeUps.Add(late); } });
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        probe.Dispose();
        var ran = Stopwatch.GetElapsedTime(started);
        int reported;
        lock (wakeUps)
        {
            reported = wakeUps.Count;
        }

        await Task.Delay(TimeSpan.FromMilliseconds(100));

        // A loaded machine wakes the thread late and a late step is not made up, so fewer wake-ups may come than steps
        // fit in the time it ran, but never more (a probe waking early or spinning would report more).
        Assert.InRange(reported, 3, (int)(ran / WakeLatenessProbe.Step) + 1);
        lock (wakeUps)
        {
            Assert.Equal(reported, wakeUps.Count);
            Assert.All(wakeUps, late => Assert.True(late >= TimeSpan.Zero && late < ran, $"late {late}"));
        }
    }

    [Fact]
    public void Disposing_returns_once_the_probe_thread_has_ended()
    {
        var reported = 0;
        var probe = WakeLatenessProbe.Start(_ => Interlocked.Increment(ref reported));

        probe.Dispose();
        var atDispose = Volatile.Read(ref reported);
        Thread.Sleep(WakeLatenessProbe.Step * 3);

        Assert.Equal(atDispose, Volatile.Read(ref reported));
    }
}
