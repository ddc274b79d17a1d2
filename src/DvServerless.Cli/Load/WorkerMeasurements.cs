using System.Diagnostics.Metrics;
using DvServerless.MediaWorker.Hosting;
using DvServerless.MediaWorker.Telemetry;

namespace DvServerless.Cli.Load;

/// <summary>
/// Listens, in-process, to the worker's own instruments: the per-frame gateway latency
/// (<see cref="MediaWorkerMetrics.GatewayLatencyInstrument"/>) and the barge-in reaction (<c>dvgw_bargein_reaction_ms</c>:
/// the engine's speech-started read off its socket → StopAudio sent to the caller).
/// </summary>
public sealed class WorkerMeasurements : IDisposable
{
    private readonly MeterListener _listener = new();

    /// <summary>Starts listening.</summary>
    public WorkerMeasurements()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (IsGatewayLatency(instrument) || IsBargeInReaction(instrument))
            {
                listener.EnableMeasurementEvents(instrument, instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((instrument, value, _, state) =>
        {
            if (IsGatewayLatency(instrument))
            {
                GatewayLatency.Record(value);
            }
            else
            {
                BargeInReaction.Record(value);
            }
        });
        _listener.Start();
    }

    /// <summary>Agent frame ready → written to the ACS leg, ms, one sample per frame.</summary>
    public LatencyHistogram GatewayLatency { get; } = new();

    /// <summary>Barge-in signal at the worker → StopAudio sent, ms, one sample per barge-in.</summary>
    public LatencyHistogram BargeInReaction { get; } = new();

    /// <summary>Stops listening.</summary>
    public void Dispose() => _listener.Dispose();

    private static bool IsGatewayLatency(Instrument instrument) =>
        instrument.Meter.Name == MediaWorkerMetrics.MeterName && instrument.Name == MediaWorkerMetrics.GatewayLatencyInstrument;

    private static bool IsBargeInReaction(Instrument instrument) =>
        instrument.Meter.Name == VoiceMetrics.MeterName && instrument.Name == "dvgw_bargein_reaction_ms";
}
