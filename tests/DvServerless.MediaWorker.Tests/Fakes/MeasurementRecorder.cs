using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace DvServerless.MediaWorker.Tests.Fakes;

/// <summary>
/// Listens to the instruments of the meters <paramref name="owns"/> picks (a test's own meter factory, so tests running
/// side by side do not hear each other) and keeps each measurement with its tags.
/// </summary>
public sealed class MeasurementRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<(string Instrument, double Value, Dictionary<string, object?> Tags)> _measurements = new();

    public MeasurementRecorder(Func<Meter, bool> owns)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (owns(instrument.Meter))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Add(i, v, tags));
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Add(i, v, tags));
        _listener.Start();
    }

    public IReadOnlyList<(string Instrument, double Value, Dictionary<string, object?> Tags)> Measurements => [.. _measurements];

    public IReadOnlyList<double> Values(string instrument) => Measurements.Where(m => m.Instrument == instrument).Select(m => m.Value).ToList();

    public void Dispose() => _listener.Dispose();

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var tag in tags)
        {
            copy[tag.Key] = tag.Value;
        }

        _measurements.Enqueue((instrument.Name, value, copy));
    }
}
