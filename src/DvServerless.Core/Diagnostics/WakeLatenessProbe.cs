using System.Diagnostics;

namespace DvServerless.Core.Diagnostics;

/// <summary>
/// Measures the scheduling floor a process gets from its machine: one thread asks the operating system to wake it at
/// the next 20 ms step (the frame interval) and reports how late it woke. A paced frame cannot leave earlier than any
/// thread of the process wakes, so frame lateness close to this figure is the machine's (cores shared with other work, a
/// throttled container), and lateness far above it is the process's own. The figure holds the operating system's
/// scheduling and the process's own GC pauses (a managed thread that wakes during one waits for it to end).
/// </summary>
/// <remarks>
/// The thread sleeps (it does not spin, which would take a core from the work it measures) for whole milliseconds, the
/// unit <see cref="Thread.Sleep(int)"/> takes; lateness is counted from the time asked for, so the rounding up to a whole
/// millisecond is not counted as lateness. A wake-up later than the next step does not make the probe catch up with a
/// burst: it starts again from then. Fifty wake-ups a second cost next to nothing.
/// </remarks>
public sealed class WakeLatenessProbe : IDisposable
{
    /// <summary>The step the probe wakes at: one frame.</summary>
    public static readonly TimeSpan Step = TimeSpan.FromMilliseconds(20);

    private readonly Action<TimeSpan> _onWake;
    private readonly Thread _thread;
    private volatile bool _stopped;

    private WakeLatenessProbe(Action<TimeSpan> onWake, string threadName)
    {
        _onWake = onWake;
        _thread = new Thread(Run) { IsBackground = true, Name = threadName };
    }

    /// <summary>
    /// Starts a probe on its own background thread, named <paramref name="threadName"/>, that calls
    /// <paramref name="onWake"/> with each wake-up's lateness until disposed.
    /// </summary>
    public static WakeLatenessProbe Start(Action<TimeSpan> onWake, string threadName = "dvs wake probe")
    {
        ArgumentNullException.ThrowIfNull(onWake);
        var probe = new WakeLatenessProbe(onWake, threadName);
        probe._thread.Start();
        return probe;
    }

    /// <summary>Stops the probe; returns once its thread has ended (at most one step later).</summary>
    public void Dispose()
    {
        _stopped = true;
        if (_thread.IsAlive && _thread != Thread.CurrentThread)
        {
            _thread.Join();
        }
    }

    private void Run()
    {
        var step = (long)(Step.TotalSeconds * Stopwatch.Frequency);
        var next = Stopwatch.GetTimestamp() + step;
        while (!_stopped)
        {
            var now = Stopwatch.GetTimestamp();
            if (next <= now)
            {
                next = now + step;
            }

            var milliseconds = (int)Math.Ceiling((next - now) * 1000.0 / Stopwatch.Frequency);
            var askedFor = now + (milliseconds * Stopwatch.Frequency / 1000);
            Thread.Sleep(milliseconds);
            if (_stopped)
            {
                return;
            }

            var late = Stopwatch.GetElapsedTime(askedFor);
            _onWake(late > TimeSpan.Zero ? late : TimeSpan.Zero);
            next += step;
        }
    }
}
