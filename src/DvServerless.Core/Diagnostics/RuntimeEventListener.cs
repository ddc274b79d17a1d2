using System.Diagnostics.Tracing;

namespace DvServerless.Core.Diagnostics;

/// <summary>
/// Counts every thread the thread pool added because its work items were starving
/// (<c>ThreadPoolWorkerThreadAdjustmentAdjustment</c> with reason <c>Starvation</c>), the sign of pool threads blocked in
/// synchronous waits. The media worker exports it on <c>/metrics</c> when asked to
/// (<c>MediaWorker:CountThreadPoolStarvation</c>).
/// </summary>
/// <remarks>
/// <para>Not free: the runtime's threading events come at one level, so the listener also receives (and the runtime
/// allocates) an event each time a pool thread goes idle, thousands a second on a busy worker. Hence opt-in; GC pauses are
/// read without events (<see cref="GcPauseWatcher"/>).</para>
/// <para>Use <see cref="Shared"/>: one listener per process. Runtime event listeners created while another one is being
/// enabled can deadlock inside the runtime (the event-pipe dispatch thread and a new listener each wait for the other's
/// lock); a test process that built many workers at once hung that way.</para>
/// </remarks>
public sealed class RuntimeEventListener : EventListener
{
    private static readonly Lazy<RuntimeEventListener> SharedListener = new(() => new RuntimeEventListener(), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The process's one listener, created on first use and never disposed.</summary>
    public static RuntimeEventListener Shared => SharedListener.Value;

    private const string RuntimeSource = "Microsoft-Windows-DotNETRuntime";
    private const EventKeywords ThreadingKeyword = (EventKeywords)0x10000;
    private const int PoolAdjustmentEventId = 55;
    private const uint StarvationReason = 6;

    private long _starvationInjections;

    /// <summary>Threads the pool added because queued work was starving, since this listener was created.</summary>
    public long StarvationInjections => Interlocked.Read(ref _starvationInjections);

    /// <inheritdoc />
    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        ArgumentNullException.ThrowIfNull(eventSource);
        if (eventSource.Name == RuntimeSource)
        {
            EnableEvents(eventSource, EventLevel.Informational, ThreadingKeyword);
        }
    }

    /// <inheritdoc />
    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        switch (eventData.EventId)
        {
            case PoolAdjustmentEventId when IsStarvation(eventData):
                Interlocked.Increment(ref _starvationInjections);
                break;
            default:
                break;
        }
    }

    private static bool IsStarvation(EventWrittenEventArgs eventData)
    {
        var index = eventData.PayloadNames?.IndexOf("Reason") ?? -1;
        return index >= 0 && eventData.Payload?[index] is { } reason && Convert.ToUInt32(reason, System.Globalization.CultureInfo.InvariantCulture) == StarvationReason;
    }
}
