using System.Diagnostics.Tracing;

namespace DvServerless.Core.Diagnostics;

/// <summary>
/// This process's runtime events that say whether it keeps up: every thread the pool added because its work items were
/// starving (<c>ThreadPoolWorkerThreadAdjustmentAdjustment</c> with reason <c>Starvation</c>), the sign of pool threads
/// blocked in synchronous waits; and, for whoever asks (<see cref="OnGcPause"/>), every garbage-collection pause (the
/// runtime suspending managed threads, <c>GCSuspendEEBegin</c>, to resuming them, <c>GCRestartEEEnd</c>). The media
/// worker exports the first on <c>/metrics</c>; <c>dvs load</c> reports both.
/// </summary>
/// <remarks>
/// <para>Per-event records, where <see cref="GC.GetTotalPauseDuration"/> only gives a running total; both events are rare,
/// so the listener's per-event allocation does not matter. The GC events are turned on only once someone listens for
/// pauses: a worker that only counts starvation receives no event per collection.</para>
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
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private const EventKeywords ThreadingKeyword = (EventKeywords)0x10000;
    private const int SuspendBeginEventId = 9;
    private const int RestartEndEventId = 3;
    private const int PoolAdjustmentEventId = 55;
    private const uint StarvationReason = 6;

    // Set from OnEventSourceCreated, which the base constructor already calls for the sources that exist: no initializer.
    private EventSource? _runtime;
    private Action<TimeSpan>? _onGcPause;
    private DateTime? _suspendedAt;
    private long _starvationInjections;

    /// <summary>Threads the pool added because queued work was starving, since this listener was created.</summary>
    public long StarvationInjections => Interlocked.Read(ref _starvationInjections);

    /// <summary>Calls <paramref name="onPause"/> with the length of every garbage-collection pause from now on.</summary>
    public void OnGcPause(Action<TimeSpan> onPause)
    {
        ArgumentNullException.ThrowIfNull(onPause);
        _onGcPause = onPause;
        if (_runtime is { } runtime)
        {
            EnableEvents(runtime, EventLevel.Informational, GcKeyword | ThreadingKeyword);
        }
    }

    /// <inheritdoc />
    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        ArgumentNullException.ThrowIfNull(eventSource);
        if (eventSource.Name == RuntimeSource)
        {
            _runtime = eventSource;
            EnableEvents(eventSource, EventLevel.Informational, _onGcPause is null ? ThreadingKeyword : GcKeyword | ThreadingKeyword);
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
                _onGcPause?.Invoke(eventData.TimeStamp - suspended);
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
