using System.Globalization;

namespace DvServerless.MediaWorker.Telemetry;

/// <summary>One stage's samples over a call, in milliseconds, for the end-of-call summary's p50/p95.</summary>
internal sealed class StageSamples
{
    private readonly List<double> _values = [];

    /// <summary>How many samples.</summary>
    public int Count => _values.Count;

    /// <summary>Adds a sample.</summary>
    public void Add(double ms) => _values.Add(ms);

    /// <summary>The nearest-rank percentile <paramref name="p"/> (0–100); null without samples.</summary>
    public double? Percentile(double p)
    {
        if (_values.Count == 0)
        {
            return null;
        }

        var sorted = _values.Order().ToArray();
        var rank = (int)Math.Ceiling(p / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    /// <summary><c>p50/p95 N/M ms</c>, or <c>-</c> without samples.</summary>
    public string Describe() => _values.Count == 0
        ? "-"
        : string.Create(CultureInfo.InvariantCulture, $"p50/p95 {Percentile(50):0}/{Percentile(95):0} ms");
}
