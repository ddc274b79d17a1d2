using DvServerless.MediaWorker.Hosting;

namespace DvServerless.Cli.Load;

/// <summary>
/// The names the worker's instruments take on <c>/metrics</c> (the OpenTelemetry Prometheus exporter writes dots as
/// underscores and the unit <c>ms</c> as <c>_milliseconds</c>), and the runtime's own (<c>System.Runtime</c>).
/// </summary>
public static class WorkerMetricNames
{
    /// <summary>Agent frame ready → written to the leg, ms (<see cref="MediaWorkerMetrics.GatewayLatencyInstrument"/>).</summary>
    public const string GatewayLatency = "dvs_playout_gateway_latency_milliseconds";

    /// <summary>How late a worker thread woke for a 20 ms step, ms (<see cref="MediaWorkerMetrics.WakeLatenessInstrument"/>).</summary>
    public const string WakeLateness = "dvs_runtime_wake_lateness_milliseconds";

    /// <summary>Barge-in signal at the worker → StopAudio sent, ms.</summary>
    public const string BargeInReaction = "dvgw_bargein_reaction_ms";

    /// <summary>Garbage-collection pauses, ms (<see cref="MediaWorkerMetrics.GcPauseInstrument"/>).</summary>
    public const string GcPause = "dvs_runtime_gc_pause_milliseconds";

    /// <summary>Threads the pool added for starvation (<see cref="MediaWorkerMetrics.StarvationInstrument"/>).</summary>
    public const string Starvations = "dvs_runtime_threadpool_starvations_total";

    /// <summary>Calls with a running call loop.</summary>
    public const string ActiveCalls = "dvs_calls_active";

    /// <summary>Audio buffers rented and not returned.</summary>
    public const string PooledBuffersOutstanding = "dvs_audio_pooled_buffers_outstanding";

    /// <summary>The managed heap after the last collection, bytes, per generation.</summary>
    public const string HeapSize = "dotnet_gc_last_collection_heap_size_bytes";

    /// <summary>Collections so far, per generation (label <c>gc_heap_generation</c>).</summary>
    public const string Collections = "dotnet_gc_collections_total";

    /// <summary>Bytes allocated on the managed heap since the process started.</summary>
    public const string AllocatedBytes = "dotnet_gc_heap_total_allocated_bytes_total";

    /// <summary>Thread-pool threads now.</summary>
    public const string PoolThreads = "dotnet_thread_pool_thread_count";

    /// <summary>Work items waiting in the thread pool's queue now.</summary>
    public const string PoolQueue = "dotnet_thread_pool_queue_length";
}
