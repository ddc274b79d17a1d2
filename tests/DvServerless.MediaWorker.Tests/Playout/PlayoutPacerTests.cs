using System.Collections.Concurrent;
using System.Diagnostics;
using DvServerless.MediaWorker.Playout;

namespace DvServerless.MediaWorker.Tests.Playout;

/// <summary>
/// The worker's pacing clock: one thread runs every call's playout timer. These tests check what the call loop relies on
/// (never early, in due order, a re-arm replaces, a cancelled timer stays quiet, an earlier timer wakes the thread); how
/// late a timer fires is measured by <c>dvs load</c>, not asserted here.
/// </summary>
public sealed class PlayoutPacerTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_timer_fires_once_and_never_before_its_due_time()
    {
        using var pacer = new PlayoutPacer();
        var fired = new ConcurrentQueue<long>();
        var done = new TaskCompletionSource();
        var armedAt = Stopwatch.GetTimestamp();

        await using var timer = pacer.CreateTimer(_ => { fired.Enqueue(Stopwatch.GetTimestamp()); done.TrySetResult(); }, null, TimeSpan.FromMilliseconds(30), Timeout.InfiniteTimeSpan);
        await done.Task.WaitAsync(Patience);
        await Task.Delay(100);

        var at = Assert.Single(fired);
        Assert.True(Stopwatch.GetElapsedTime(armedAt, at) >= TimeSpan.FromMilliseconds(30), $"fired after {Stopwatch.GetElapsedTime(armedAt, at).TotalMilliseconds} ms");
        Assert.Equal(0, pacer.Pending);
    }

    [Fact]
    public async Task Many_timers_fire_in_due_order_and_none_early()
    {
        using var pacer = new PlayoutPacer();
        var random = new Random(6);
        var order = new ConcurrentQueue<int>();
        var early = new ConcurrentQueue<string>();
        var all = new CountdownEvent(200);
        var timers = new List<ITimer>();
        var dues = new int[200];
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < dues.Length; i++)
        {
            var index = i;
            dues[i] = random.Next(1, 60);
            var armedAt = Stopwatch.GetTimestamp();
            var due = TimeSpan.FromMilliseconds(dues[i]);
            timers.Add(pacer.CreateTimer(_ =>
            {
                if (Stopwatch.GetElapsedTime(armedAt) < due)
                {
                    early.Enqueue($"timer {index} due in {due.TotalMilliseconds} ms fired at {Stopwatch.GetElapsedTime(armedAt).TotalMilliseconds} ms");
                }

                order.Enqueue(index);
                all.Signal();
            }, null, due, Timeout.InfiniteTimeSpan));
        }

        Assert.True(all.Wait(Patience));
        Assert.Empty(early);

        // Arming 200 timers takes far less than a millisecond here, so a timer due 2 ms or more after another fires after it.
        var fired = order.ToArray();
        for (var i = 1; i < fired.Length; i++)
        {
            Assert.True(dues[fired[i]] >= dues[fired[i - 1]] - 1, $"timer due at {dues[fired[i]]} ms fired after one due at {dues[fired[i - 1]]} ms");
        }

        foreach (var timer in timers)
        {
            timer.Dispose();
        }
    }

    [Fact]
    public async Task Re_arming_replaces_the_earlier_due_time()
    {
        using var pacer = new PlayoutPacer();
        var count = 0;
        var fired = new TaskCompletionSource();
        await using var timer = pacer.CreateTimer(_ => { Interlocked.Increment(ref count); fired.TrySetResult(); }, null, TimeSpan.FromMilliseconds(300), Timeout.InfiniteTimeSpan);

        Assert.True(timer.Change(TimeSpan.FromMilliseconds(10), Timeout.InfiniteTimeSpan));
        await fired.Task.WaitAsync(Patience);
        await Task.Delay(500);

        Assert.Equal(1, count);
    }

    [Fact]
    public async Task A_cancelled_or_disposed_timer_never_fires()
    {
        using var pacer = new PlayoutPacer();
        var count = 0;
        var cancelled = pacer.CreateTimer(_ => Interlocked.Increment(ref count), null, TimeSpan.FromMilliseconds(20), Timeout.InfiniteTimeSpan);
        var disposed = pacer.CreateTimer(_ => Interlocked.Increment(ref count), null, TimeSpan.FromMilliseconds(20), Timeout.InfiniteTimeSpan);

        cancelled.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        await disposed.DisposeAsync();
        await Task.Delay(200);

        Assert.Equal(0, count);
        Assert.False(disposed.Change(TimeSpan.Zero, Timeout.InfiniteTimeSpan));
        Assert.Equal(0, pacer.Pending);
        cancelled.Dispose();
    }

    [Fact]
    public async Task An_earlier_timer_wakes_the_thread_waiting_for_a_later_one()
    {
        using var pacer = new PlayoutPacer();
        await using var later = pacer.CreateTimer(_ => { }, null, TimeSpan.FromMinutes(5), Timeout.InfiniteTimeSpan);
        await Task.Delay(50); // the thread is now asleep until the later timer
        var fired = new TaskCompletionSource();

        await using var earlier = pacer.CreateTimer(_ => fired.TrySetResult(), null, TimeSpan.FromMilliseconds(10), Timeout.InfiniteTimeSpan);

        await fired.Task.WaitAsync(Patience);
        Assert.Equal(1, pacer.Pending);
    }

    [Fact]
    public async Task A_callback_that_re_arms_its_own_timer_keeps_pacing_as_the_call_loop_does()
    {
        using var pacer = new PlayoutPacer();
        var ticks = 0;
        var fiveTicks = new TaskCompletionSource();
        ITimer? timer = null;
        timer = pacer.CreateTimer(_ =>
        {
            if (Interlocked.Increment(ref ticks) == 5)
            {
                fiveTicks.TrySetResult();
                return;
            }

            timer!.Change(TimeSpan.FromMilliseconds(5), Timeout.InfiniteTimeSpan);
        }, null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);

        timer.Change(TimeSpan.FromMilliseconds(5), Timeout.InfiniteTimeSpan);

        await fiveTicks.Task.WaitAsync(Patience);
        await timer.DisposeAsync();
    }

    [Fact]
    public async Task A_periodic_timer_fires_until_disposed()
    {
        using var pacer = new PlayoutPacer();
        var ticks = 0;
        var three = new TaskCompletionSource();
        var timer = pacer.CreateTimer(_ => { if (Interlocked.Increment(ref ticks) == 3) { three.TrySetResult(); } }, null, TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(5));

        await three.Task.WaitAsync(Patience);
        await timer.DisposeAsync();
        var afterDispose = Volatile.Read(ref ticks);
        await Task.Delay(100);

        // A tick already running when the timer was disposed may still land; none after that.
        Assert.InRange(Volatile.Read(ref ticks), afterDispose, afterDispose + 1);
    }

    [Fact]
    public async Task A_disposed_pacer_fires_nothing_more()
    {
        var pacer = new PlayoutPacer();
        var count = 0;
        using var timer = pacer.CreateTimer(_ => Interlocked.Increment(ref count), null, TimeSpan.FromMilliseconds(30), Timeout.InfiniteTimeSpan);

        pacer.Dispose();
        await Task.Delay(200);

        Assert.Equal(0, count);
    }
}
