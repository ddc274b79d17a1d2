using System.Diagnostics.Tracing;

namespace DvServerless.Cli.Load;

/// <summary>
/// This process's runtime events that a load run reports: every garbage-collection pause (the runtime suspending managed
/// threads, <c>GCSuspendEEBegin</c>, to resuming them, <c>GCRestartEEEnd</c>) and every thread the pool added because
/// its work items were starving (<c>ThreadPoolWorkerThreadAdjustmentAdjustment</c> with reason <c>Starvation</c>) — the
/// sign of pool threads blocked in synchronous waits.
/// </summary>
/// <remarks>
/// Per-event records, where <see cref="GC.GetTotalPauseDuration"/> only gives a running total; both events are rare, so
/// the listener's per-event allocation does not matter.
/// </remarks>
public sealed class RuntimeEventListener : EventListener
{
    private const string RuntimeSource = "Microsoft-Windows-DotNETRuntime";
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private const EventKeywords ThreadingKeyword = (EventKeywords)0x10000;
    private const int SuspendBeginEventId = 9;
    private const int RestartEndEventId = 3;
    private const int PoolAdjustmentEventId = 55;
    private const uint StarvationReason = 6;
    private DateTime? _suspendedAt;
    private int _starvationInjections;

    /// <summary>Pause lengths in milliseconds.</summary>
    public LatencyHistogram GcPauses { get; } = new();

    /// <summary>Threads the pool added because queued work was starving.</summary>
    public int StarvationInjections => Volatile.Read(ref _starvationInjections);

    /// <inheritdoc />
    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        ArgumentNullException.ThrowIfNull(eventSource);
        if (eventSource.Name == RuntimeSource)
        {
            EnableEvents(eventSource, EventLevel.Informational, GcKeyword | ThreadingKeyword);
        }
    }

    /// <inheritdoc />
    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        switch (eventData.EventId)
        {
            case SuspendBeginEventId:
                _suspendedAt = eventData.TimeStamp;
                break;
            case RestartEndEventId when _suspendedAt is { } suspended:
                GcPauses.Record((eventData.TimeStamp - suspended).TotalMilliseconds);
                _suspendedAt = null;
                break;
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
