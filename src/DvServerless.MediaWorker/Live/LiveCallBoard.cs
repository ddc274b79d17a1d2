using DvServerless.Core.Live;

namespace DvServerless.MediaWorker.Live;

/// <summary>
/// The worker's memory of active and recent calls for dashboards: every <see cref="LiveEvent"/> this replica publishes
/// (and every event the Functions app sends through the local REST endpoint to the admin group) is recorded here, and
/// <see cref="Snapshot"/> answers the hub's <c>GetSnapshot</c>.
/// </summary>
public sealed class LiveCallBoard
{
    private readonly TimeProvider _time;

    /// <summary>Creates an empty board.</summary>
    public LiveCallBoard(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _time = timeProvider;
    }

    /// <summary>Records <paramref name="liveEvent"/>. Thread-safe; never throws.</summary>
    public void Record(LiveEvent liveEvent)
    {
        ArgumentNullException.ThrowIfNull(liveEvent);
    }

    /// <summary>The calls and latency of <paramref name="tenantId"/>; every tenant's when null (the admin).</summary>
    public LiveSnapshot Snapshot(string? tenantId) =>
        new([], new LiveLatencySummary(new(null, null, 0), new(null, null, 0), new(null, null, 0)), _time.GetUtcNow());
}
