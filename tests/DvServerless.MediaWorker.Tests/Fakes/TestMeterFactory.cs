using System.Diagnostics.Metrics;

namespace DvServerless.MediaWorker.Tests.Fakes;

public sealed class TestMeterFactory : IMeterFactory
{
    private readonly List<Meter> _meters = [];

    public Meter Create(MeterOptions options)
    {
        var meter = new Meter(options);
        lock (_meters)
        {
            _meters.Add(meter);
        }

        return meter;
    }

    /// <summary>True for a meter this factory made.</summary>
    public bool Made(Meter meter)
    {
        lock (_meters)
        {
            return _meters.Contains(meter);
        }
    }

    public void Dispose()
    {
        foreach (var meter in _meters)
        {
            meter.Dispose();
        }
    }
}
