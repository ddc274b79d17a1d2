using System.Diagnostics;

namespace DvServerless.MediaWorker.Playout;

/// <summary>
/// The clock whose timers pace every call's agent audio: one thread for the whole worker that wakes when the earliest
/// timer is due, to within a millisecond, and runs its callback there. Time itself is the system's.
/// </summary>
/// <remarks>
/// <para>
/// Why not <see cref="TimeProvider.System"/>'s timers: on Linux they count time in <see cref="Environment.TickCount64"/>,
/// which reads the kernel's coarse clock (one kernel tick, 4 ms on common kernels), so a timer armed for a frame fired
/// 2.9 ms late at the median and 6.2 ms at p99 on an idle worker with 25 calls; each fire is also a thread-pool work item
/// before the callback runs. Rounding a timer down and re-arming until the frame was due hid the lateness, at three
/// timer fires in four that did nothing. Here the wait is on a monitor, which the runtime times with the precise
/// monotonic clock, and the due times are <see cref="Stopwatch"/> ticks.
/// </para>
/// <para>
/// Callbacks run on the pacer's thread, one after another, so they must be short and never block: the call loop's only
/// posts a message to its own channel. Timers do not scale with calls as the thread pool's do: one heap of due times,
/// one thread, one wake per due time (calls due together share it).
/// </para>
/// </remarks>
public sealed class PlayoutPacer : TimeProvider, IDisposable
{
    private readonly object _gate = new();
    private readonly PriorityQueue<(PacerTimer Timer, long Version), long> _due = new();
    private readonly List<PacerTimer> _firing = [];
    private readonly Thread _thread;
    private bool _stopping;

    /// <summary>Starts the pacer's thread.</summary>
    public PlayoutPacer()
    {
        _thread = new Thread(Run) { IsBackground = true, Name = "Playout pacer" };
        _thread.Start();
    }

    /// <summary>Timers armed and not yet fired, cancelled or re-armed (tests; diagnostics).</summary>
    internal int Pending
    {
        get
        {
            lock (_gate)
            {
                var pending = 0;
                foreach (var (entry, _) in _due.UnorderedItems)
                {
                    pending += entry.Timer.IsArmedAt(entry.Version) ? 1 : 0;
                }

                return pending;
            }
        }
    }

    /// <inheritdoc />
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new PacerTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Stops the thread; timers still armed never fire.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _stopping = true;
            _due.Clear();
            Monitor.Pulse(_gate);
        }
    }

    /// <summary>How long the thread waits for a timer due in <paramref name="untilDue"/>: zero when due, else rounded up to whole milliseconds.</summary>
    /// <remarks>
    /// Monitors wait in whole milliseconds. Rounding down would wake the thread early, find nothing due and wait again,
    /// again and again until the due time (a system timer's truncation made three of four call-loop wake-ups such spins);
    /// rounding up wakes it once, less than a millisecond late against the playout lead.
    /// </remarks>
    internal static TimeSpan WaitFor(TimeSpan untilDue)
    {
        if (untilDue <= TimeSpan.Zero)
        {
            return TimeSpan.Zero;
        }

        var wholeMs = (untilDue.Ticks + TimeSpan.TicksPerMillisecond - 1) / TimeSpan.TicksPerMillisecond;
        return TimeSpan.FromTicks(wholeMs * TimeSpan.TicksPerMillisecond);
    }

    /// <summary>Arms (or disarms, with <paramref name="dueAt"/> null) <paramref name="timer"/>, waking the thread if it is now first.</summary>
    private void Schedule(PacerTimer timer, long version, long? dueAt)
    {
        lock (_gate)
        {
            if (_stopping || dueAt is not { } at)
            {
                return;
            }

            var wake = !_due.TryPeek(out _, out var first) || at < first;
            _due.Enqueue((timer, version), at);
            if (wake)
            {
                Monitor.Pulse(_gate);
            }
        }
    }

    private void Run()
    {
        lock (_gate)
        {
            while (!_stopping)
            {
                var now = Stopwatch.GetTimestamp();
                while (_due.TryPeek(out var entry, out var at) && at <= now)
                {
                    _due.Dequeue();
                    // A timer re-armed or cancelled since this entry was queued left it behind: its version moved on.
                    if (entry.Timer.TakeFire(entry.Version, now))
                    {
                        _firing.Add(entry.Timer);
                    }
                }

                if (_firing.Count > 0)
                {
                    // Callbacks run outside the lock: they may re-arm their own timer (the call loop does, every frame).
                    Monitor.Exit(_gate);
                    try
                    {
                        foreach (var timer in _firing)
                        {
                            timer.Invoke();
                        }
                    }
                    finally
                    {
                        Monitor.Enter(_gate);
                        _firing.Clear();
                    }

                    continue;
                }

                if (!_due.TryPeek(out _, out var next))
                {
                    Monitor.Wait(_gate);
                    continue;
                }

                var wait = WaitFor(Stopwatch.GetElapsedTime(now, next));
                Monitor.Wait(_gate, (int)Math.Min(int.MaxValue, (long)wait.TotalMilliseconds));
            }
        }
    }

    /// <summary>One timer; its state is guarded by the pacer's lock, its callback runs on the pacer's thread.</summary>
    private sealed class PacerTimer : ITimer
    {
        private readonly PlayoutPacer _pacer;
        private readonly TimerCallback _callback;
        private readonly object? _state;
        private long _version;
        private long _period;
        private bool _disposed;

        public PacerTimer(PlayoutPacer pacer, TimerCallback callback, object? state)
        {
            _pacer = pacer;
            _callback = callback;
            _state = state;
        }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(dueTime, Timeout.InfiniteTimeSpan);
            ArgumentOutOfRangeException.ThrowIfLessThan(period, Timeout.InfiniteTimeSpan);
            long version;
            long? dueAt;
            lock (_pacer._gate)
            {
                if (_disposed)
                {
                    return false;
                }

                version = ++_version;
                _period = period == Timeout.InfiniteTimeSpan || period == TimeSpan.Zero ? 0 : ToStopwatchTicks(period);
                dueAt = dueTime == Timeout.InfiniteTimeSpan ? null : Stopwatch.GetTimestamp() + ToStopwatchTicks(dueTime);
            }

            _pacer.Schedule(this, version, dueAt);
            return true;
        }

        public void Dispose()
        {
            lock (_pacer._gate)
            {
                _disposed = true;
                _version++;
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }

        /// <summary>Under the pacer's lock: true when the entry of <paramref name="version"/> is still this timer's; re-queues a periodic timer.</summary>
        public bool TakeFire(long version, long now)
        {
            if (_disposed || version != _version)
            {
                return false;
            }

            if (_period > 0)
            {
                _pacer._due.Enqueue((this, version), now + _period);
            }

            return true;
        }

        /// <summary>Under the pacer's lock: whether the entry of <paramref name="version"/> will still fire.</summary>
        public bool IsArmedAt(long version) => !_disposed && version == _version;

        public void Invoke() => _callback(_state);

        private static long ToStopwatchTicks(TimeSpan span) => (long)(span.Ticks * ((double)Stopwatch.Frequency / TimeSpan.TicksPerSecond));
    }
}
