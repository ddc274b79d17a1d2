using System.Diagnostics;

namespace DvServerless.Cli.Load;

/// <summary>
/// Measures the machine's scheduling floor while a load runs: a thread of the harness asks the operating system to wake it
/// at the next 20 ms step (the frame interval) and records how late it woke, ms. The callers measure jitter in this
/// process, so their jitter cannot be lower than what the machine gives any thread here; jitter far above this figure is
/// the gateway's, jitter close to it is the machine's. The figure holds the operating system's scheduling and this
/// process's own GC pauses (a managed thread that wakes during one waits for it to end), as the callers' frames do.
/// </summary>
/// <remarks>
/// The thread sleeps (it does not spin, which would take a core from the run it measures) for whole milliseconds, the
/// unit <see cref="Thread.Sleep(int)"/> takes; lateness is counted from the time asked for, so the rounding up to a whole
/// millisecond is not counted as lateness. A wake-up later than the next step does not make the probe catch up with a
/// burst: it starts again from then.
/// </remarks>
public sealed class WakeLatenessProbe : IDisposable
{
    /// <summary>The step the probe wakes at: one frame.</summary>
    public static readonly TimeSpan Step = TimeSpan.FromMilliseconds(20);

    private readonly LatencyHistogram _lateness;
    private readonly Thread _thread;
    private volatile bool _stopped;

    private WakeLatenessProbe(LatencyHistogram lateness)
    {
        _lateness = lateness;
        _thread = new Thread(Run) { IsBackground = true, Name = "dvs load wake probe" };
    }

    /// <summary>Starts a probe that records each wake-up's lateness into <paramref name="lateness"/> until disposed.</summary>
    public static WakeLatenessProbe Start(LatencyHistogram lateness)
    {
        ArgumentNullException.ThrowIfNull(lateness);
        var probe = new WakeLatenessProbe(lateness);
        probe._thread.Start();
        return probe;
    }

    /// <summary>Stops the probe; returns once its thread has ended (at most one step later).</summary>
    public void Dispose()
    {
        _stopped = true;
        _thread.Join();
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

            _lateness.Record(Math.Max(0, Stopwatch.GetElapsedTime(askedFor).TotalMilliseconds));
            next += step;
        }
    }
}
