namespace DvServerless.Core.Diagnostics;

/// <summary>
/// Reports every garbage-collection pause by polling the runtime's record of its last collections
/// (<see cref="GC.GetGCMemoryInfo(GCKind)"/>) ten times a second, instead of listening to the runtime's events: a listener
/// for those receives and allocates an event for every thread-pool thread that goes idle as well, thousands a second on a
/// busy worker. A poll costs one collection-count read when no collection happened since the last one.
/// </summary>
/// <remarks>
/// Collections of each kind (ephemeral, full blocking, background) are read separately, so up to three in one interval are
/// all reported; more than that between two polls (collections a few milliseconds apart) report only the latest of each
/// kind. Use <see cref="Shared"/>: one poller per process.
/// </remarks>
public sealed class GcPauseWatcher : IDisposable
{
    private static readonly Lazy<GcPauseWatcher> SharedWatcher = new(() => new GcPauseWatcher(TimeProvider.System, TimeSpan.FromMilliseconds(100)),
        LazyThreadSafetyMode.ExecutionAndPublication);

    private static readonly GCKind[] Kinds = [GCKind.Ephemeral, GCKind.FullBlocking, GCKind.Background];
    private readonly object _pollGate = new();      // the poll's own state (timer callbacks may overlap)
    private readonly object _listenersGate = new(); // writers of the listener array
    private readonly ITimer _timer;
    // Copy-on-write, read without a lock: listeners run outside every lock here, so one that takes locks of its own
    // (a histogram's) can never wait on a subscriber leaving (a disposing app) that waits on this watcher.
    private volatile Action<TimeSpan>[] _listeners = [];
    private int _lastCount;
    private long _lastIndex;

    /// <summary>A watcher that polls every <paramref name="interval"/> on <paramref name="time"/>'s timers.</summary>
    public GcPauseWatcher(TimeProvider time, TimeSpan interval)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        _lastCount = GC.CollectionCount(0);
        _lastIndex = GC.GetGCMemoryInfo(GCKind.Any).Index;
        _timer = time.CreateTimer(_ => Poll(), null, interval, interval);
    }

    /// <summary>The process's one watcher, polling every 100 ms from its first use.</summary>
    public static GcPauseWatcher Shared => SharedWatcher.Value;

    /// <summary>
    /// Calls <paramref name="onPause"/> with the length of every pause from now on (a background collection has two), until
    /// the returned subscription is disposed.
    /// </summary>
    public IDisposable OnPause(Action<TimeSpan> onPause)
    {
        ArgumentNullException.ThrowIfNull(onPause);
        lock (_listenersGate)
        {
            _listeners = [.. _listeners, onPause];
        }

        return new Subscription(this, onPause);
    }

    /// <summary>Reports the collections that ended since the last poll (the timer calls this; a test may too).</summary>
    public void Poll()
    {
        // At most two pauses (a background collection's) for each of the three kinds.
        Span<TimeSpan> pauses = stackalloc TimeSpan[2 * Kinds.Length];
        var found = 0;
        lock (_pollGate)
        {
            // Every collection collects generation 0, so its count moves with each one: the cheap test first.
            var count = GC.CollectionCount(0);
            if (count == _lastCount)
            {
                return;
            }

            var since = _lastIndex;
            foreach (var kind in Kinds)
            {
                var info = GC.GetGCMemoryInfo(kind);
                if (info.Index <= since)
                {
                    continue;
                }

                _lastIndex = Math.Max(_lastIndex, info.Index);
                foreach (var pause in info.PauseDurations)
                {
                    if (pause > TimeSpan.Zero && found < pauses.Length)
                    {
                        pauses[found++] = pause;
                    }
                }
            }

            // The count moves when a collection starts, its record when it ends (a background one runs alongside this
            // poll): count as seen only what has a record, so a collection still running is read on a later poll.
            _lastCount = (int)Math.Min(count, GC.GetGCMemoryInfo(GCKind.Any).Index);
        }

        var listeners = _listeners;
        foreach (var pause in pauses[..found])
        {
            foreach (var listener in listeners)
            {
                listener(pause);
            }
        }
    }

    /// <summary>Stops polling.</summary>
    public void Dispose() => _timer.Dispose();

    private void Remove(Action<TimeSpan> onPause)
    {
        lock (_listenersGate)
        {
            _listeners = Array.FindAll(_listeners, listener => listener != onPause);
        }
    }

    private sealed class Subscription(GcPauseWatcher watcher, Action<TimeSpan> onPause) : IDisposable
    {
        public void Dispose() => watcher.Remove(onPause);
    }
}
