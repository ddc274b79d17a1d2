using DvServerless.Core.Diagnostics;
using Microsoft.Extensions.Time.Testing;

namespace DvServerless.Core.Tests.Diagnostics;

public sealed class GcPauseWatcherTests
{
    [Fact]
    public void Each_collection_since_the_last_poll_reports_its_pauses_to_every_listener_and_a_poll_without_one_reports_none()
    {
        // A fake clock never fires the timer: the test polls by hand.
        using var watcher = new GcPauseWatcher(new FakeTimeProvider(), TimeSpan.FromMilliseconds(100));
        var metrics = new List<TimeSpan>();
        var load = new List<TimeSpan>();
        using var kept = watcher.OnPause(metrics.Add);
        var left = watcher.OnPause(load.Add);

        watcher.Poll();
        var before = metrics.Count;
        GC.Collect(0, GCCollectionMode.Forced, blocking: true);
        watcher.Poll();

        Assert.True(metrics.Count > before, "a forced collection reported no pause");
        Assert.Equal(metrics.Count, load.Count);
        Assert.All(metrics, pause => Assert.True(pause > TimeSpan.Zero && pause < TimeSpan.FromSeconds(10), $"pause {pause}"));

        var reported = metrics.Count;
        left.Dispose();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true);
        watcher.Poll();
        Assert.True(metrics.Count > reported, "the listener that stayed heard nothing of a full collection");
        Assert.Equal(reported, load.Count);
    }

    [Fact]
    public void Collections_of_different_kinds_between_two_polls_are_all_reported()
    {
        using var watcher = new GcPauseWatcher(new FakeTimeProvider(), TimeSpan.FromMilliseconds(100));
        var pauses = new List<TimeSpan>();
        using var subscription = watcher.OnPause(pauses.Add);
        watcher.Poll();
        pauses.Clear();

        GC.Collect(0, GCCollectionMode.Forced, blocking: true);
        GC.Collect(2, GCCollectionMode.Forced, blocking: true);
        watcher.Poll();

        // One ephemeral and one full blocking collection: a pause each, though only the last of each kind is on record.
        Assert.True(pauses.Count >= 2, $"{pauses.Count} pauses reported for two collections of two kinds");
    }

    [Fact]
    public void The_timer_polls_without_being_asked()
    {
        var clock = new FakeTimeProvider();
        using var watcher = new GcPauseWatcher(clock, TimeSpan.FromMilliseconds(100));
        var pauses = 0;
        using var subscription = watcher.OnPause(_ => Interlocked.Increment(ref pauses));

        GC.Collect(0, GCCollectionMode.Forced, blocking: true);
        Assert.Equal(0, Volatile.Read(ref pauses));
        clock.Advance(TimeSpan.FromMilliseconds(100));

        Assert.True(Volatile.Read(ref pauses) > 0);
    }
}
