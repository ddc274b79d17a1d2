using System.Diagnostics.Metrics;
using DvServerless.Core.Diagnostics;

namespace DvServerless.MediaWorker.Hosting;

/// <summary>
/// The worker's instruments on the meter <c>DvServerless.MediaWorker</c>, exported on <c>/metrics</c>. Counters have no
/// tags, so recording a frame costs no allocation. The histograms carry bucket boundaries fitted to what they measure
/// (tenths of a millisecond for a frame, milliseconds for a GC pause), so a percentile read from the buckets is close.
/// </summary>
public sealed class MediaWorkerMetrics : IDisposable
{
    /// <summary>The meter name.</summary>
    public const string MeterName = "DvServerless.MediaWorker";

    private readonly UpDownCounter<long> _activeCalls;
    private readonly Counter<long> _framesIn;
    private readonly Counter<long> _framesOut;
    private readonly Counter<long> _bargeIns;
    private readonly Counter<long> _underruns;
    private readonly Counter<long> _rejectedSockets;
    private readonly Histogram<double> _gatewayLatency;
    private readonly Histogram<double> _wakeLateness;
    private readonly IDisposable? _gcPauses;

    /// <summary>Bucket boundaries of the per-frame gateway latency, ms: fine below 10 ms, where a 20 ms frame's budget is.</summary>
    public static IReadOnlyList<double> GatewayLatencyBuckets { get; } =
        [0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10, 15, 20, 30, 50, 100, 250, 1000];

    /// <summary>Bucket boundaries of garbage-collection pauses, ms.</summary>
    public static IReadOnlyList<double> GcPauseBuckets { get; } =
        [0.25, 0.5, 1, 2, 3, 4, 5, 7.5, 10, 15, 20, 30, 50, 100, 200, 500, 1000];

    /// <summary>
    /// Creates the instruments on a meter from <paramref name="meterFactory"/>; with <paramref name="gcPauses"/>, also the
    /// garbage-collection pauses it reports, and with <paramref name="runtime"/> the count of thread-pool starvation
    /// injections it observes.
    /// </summary>
    public MediaWorkerMetrics(IMeterFactory meterFactory, GcPauseWatcher? gcPauses = null, RuntimeEventListener? runtime = null)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _activeCalls = meter.CreateUpDownCounter<long>("dvs.calls.active", unit: "{call}", description: "Calls with a running call loop.");
        _framesIn = meter.CreateCounter<long>("dvs.media.frames.in", unit: "{frame}", description: "Caller audio frames received from legs.");
        _framesOut = meter.CreateCounter<long>("dvs.media.frames.out", unit: "{frame}", description: "Agent audio frames written to legs.");
        _bargeIns = meter.CreateCounter<long>("dvs.calls.barge_ins", unit: "{interruption}", description: "Agent items interrupted by the caller.");
        _underruns = meter.CreateCounter<long>("dvs.playout.underruns", unit: "{underrun}", description: "Times agent audio ran dry in the middle of an item.");
        _rejectedSockets = meter.CreateCounter<long>("dvs.media.sockets.rejected", unit: "{socket}", description: "Media sockets refused (auth, draining, bad request).");
        meter.CreateObservableUpDownCounter("dvs.audio.pooled_buffers.outstanding", static () => Core.Audio.PooledBuffers.Outstanding, unit: "{buffer}",
            description: "Audio buffers rented from the pool and not yet returned; back to its idle value when no call runs.");
        if (runtime is not null)
        {
            // Blocked pool threads delay every call's frames at once; the injections say so before the jitter does.
            meter.CreateObservableCounter(StarvationInstrument, () => runtime.StarvationInjections, unit: "{thread}",
                description: "Threads the thread pool added because its queued work was starving (pool threads blocked in synchronous waits).");
        }

        if (gcPauses is not null)
        {
            // A pause stops every call's frames at once: its length is the jitter every caller hears.
            var gcPause = meter.CreateHistogram(GcPauseInstrument, unit: "ms",
                description: "Garbage-collection pauses: the runtime suspending managed threads → resuming them.",
                advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = GcPauseBuckets });
            _gcPauses = gcPauses.OnPause(pause => gcPause.Record(pause.TotalMilliseconds));
        }

        _gatewayLatency = meter.CreateHistogram(GatewayLatencyInstrument, unit: "ms",
            description: "Agent audio frame ready (its audio in from the engine and its playback time come) → written to the leg.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = GatewayLatencyBuckets });
        _wakeLateness = meter.CreateHistogram(WakeLatenessInstrument, unit: "ms",
            description: "How late a worker thread woke for a 20 ms step: the scheduling floor the machine gives the worker (cores shared, a throttled container).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = GatewayLatencyBuckets });
    }

    /// <summary>
    /// The name of the wake-up lateness histogram (Prometheus: <c>dvs_runtime_wake_lateness_milliseconds</c>): gateway
    /// latency close to it is the machine's scheduling, not the worker's code.
    /// </summary>
    public const string WakeLatenessInstrument = "dvs.runtime.wake_lateness";

    /// <summary>The name of the garbage-collection pause histogram (Prometheus: <c>dvs_runtime_gc_pause_milliseconds</c>).</summary>
    public const string GcPauseInstrument = "dvs.runtime.gc.pause";

    /// <summary>The name of the thread-pool starvation counter (Prometheus: <c>dvs_runtime_threadpool_starvations_total</c>).</summary>
    public const string StarvationInstrument = "dvs.runtime.threadpool.starvations";

    /// <summary>The name of the per-frame gateway latency histogram (what <c>dvs load</c> listens to).</summary>
    public const string GatewayLatencyInstrument = "dvs.playout.gateway_latency";

    /// <summary>A call loop started (+1) or ended (-1).</summary>
    public void CallActive(int delta) => _activeCalls.Add(delta);

    /// <summary>A caller frame arrived.</summary>
    public void FrameIn() => _framesIn.Add(1);

    /// <summary>An agent frame was written to a leg.</summary>
    public void FrameOut() => _framesOut.Add(1);

    /// <summary>The caller interrupted an agent item.</summary>
    public void BargeIn() => _bargeIns.Add(1);

    /// <summary>Agent audio ran dry mid-item.</summary>
    public void PlayoutUnderrun() => _underruns.Add(1);

    /// <summary>An agent frame went to the leg <paramref name="latency"/> after it could have (no tags: no allocation per frame).</summary>
    public void GatewayLatency(TimeSpan latency) => _gatewayLatency.Record(latency.TotalMilliseconds);

    /// <summary>A worker thread asked to wake at a 20 ms step woke <paramref name="lateness"/> after it.</summary>
    public void WakeLateness(TimeSpan lateness) => _wakeLateness.Record(lateness.TotalMilliseconds);

    /// <summary>A media socket was refused.</summary>
    public void SocketRejected() => _rejectedSockets.Add(1);

    /// <summary>Stops listening for GC pauses (the watcher is the process's and outlives this worker).</summary>
    public void Dispose() => _gcPauses?.Dispose();
}
