using System.Diagnostics.Metrics;
using DvServerless.MediaWorker.Hosting;

namespace DvServerless.MediaWorker.Live;

/// <summary>The live hub's instruments, on the worker's meter <see cref="MediaWorkerMetrics.MeterName"/>.</summary>
public sealed class LiveMetrics
{
    private readonly Counter<long> _dropped;
    private readonly Counter<long> _sendFailures;

    /// <summary>Creates the instruments on a meter from <paramref name="meterFactory"/>.</summary>
    public LiveMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MediaWorkerMetrics.MeterName);
        _dropped = meter.CreateCounter<long>("dvs.live.events.dropped", unit: "{event}", description: "Live events dropped because the hub's queue was full.");
        _sendFailures = meter.CreateCounter<long>("dvs.live.sends.failed", unit: "{event}", description: "Live events the hub failed to send to dashboards.");
    }

    /// <summary>An event was dropped (queue full or closed).</summary>
    public void EventDropped() => _dropped.Add(1);

    /// <summary>Sending an event to its groups failed.</summary>
    public void SendFailed() => _sendFailures.Add(1);
}
