using System.Globalization;

namespace DvServerless.Cli.Load;

/// <summary>
/// One read of a Prometheus text exposition (what the worker's <c>/metrics</c> answers): every sample line as its metric
/// name, labels and value. <c>dvs load</c> reads the worker's figures from it, so they are the ones an operator's
/// Prometheus would see.
/// </summary>
public sealed class PrometheusScrape
{
    private readonly IReadOnlyList<PrometheusSample> _samples;

    private PrometheusScrape(IReadOnlyList<PrometheusSample> samples) => _samples = samples;

    /// <summary>Every sample line read.</summary>
    public IReadOnlyList<PrometheusSample> Samples => _samples;

    /// <summary>
    /// Reads the text format: <c># </c> lines are comments; a sample is <c>name[{label="value",…}] value [timestamp]</c>,
    /// label values escaped with <c>\\</c>, <c>\"</c> and <c>\n</c>. A line that does not parse is skipped.
    /// </summary>
    public static PrometheusScrape Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var samples = new List<PrometheusSample>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length > 0 && line[0] != '#' && TryParseLine(line, out var sample))
            {
                samples.Add(sample);
            }
        }

        return new PrometheusScrape(samples);
    }

    /// <summary>The sum of every series of <paramref name="name"/> (0 when absent), optionally only those with the label given.</summary>
    public double Sum(string name, string? label = null, string? value = null) =>
        _samples.Where(sample => sample.Name == name && (label is null || (sample.Labels.TryGetValue(label, out var v) && v == value)))
            .Sum(sample => sample.Value);

    /// <summary>
    /// The histogram <paramref name="name"/> (its <c>_bucket</c> series, every label set added together): the finite
    /// upper bounds and the cumulative count at each, with the total count last (<c>+Inf</c>). Empty when absent.
    /// </summary>
    public BucketHistogram Histogram(string name)
    {
        var buckets = new SortedDictionary<double, double>();
        foreach (var sample in _samples.Where(sample => sample.Name == name + "_bucket"))
        {
            if (sample.Labels.TryGetValue("le", out var le) && TryParseNumber(le, out var bound))
            {
                buckets[bound] = buckets.GetValueOrDefault(bound) + sample.Value;
            }
        }

        return new BucketHistogram(buckets.Keys.ToArray(), buckets.Values.Select(count => (long)Math.Round(count)).ToArray());
    }

    private static bool TryParseLine(string line, out PrometheusSample sample)
    {
        sample = default!;
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        var nameEnd = line.IndexOfAny(['{', ' ', '\t']);
        if (nameEnd <= 0)
        {
            return false;
        }

        var name = line[..nameEnd];
        var position = nameEnd;
        if (line[position] == '{' && !TryParseLabels(line, ref position, labels))
        {
            return false;
        }

        var rest = line[position..].Trim().Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (rest.Length == 0 || !TryParseNumber(rest[0], out var value))
        {
            return false;
        }

        sample = new PrometheusSample(name, labels, value);
        return true;
    }

    private static bool TryParseLabels(string line, ref int position, Dictionary<string, string> labels)
    {
        position++; // past '{'
        while (position < line.Length)
        {
            while (position < line.Length && line[position] is ' ' or ',')
            {
                position++;
            }

            if (position < line.Length && line[position] == '}')
            {
                position++;
                return true;
            }

            var equals = line.IndexOf('=', position);
            if (equals < 0 || equals + 1 >= line.Length || line[equals + 1] != '"')
            {
                return false;
            }

            var key = line[position..equals].Trim();
            var value = new System.Text.StringBuilder();
            var i = equals + 2;
            for (; i < line.Length && line[i] != '"'; i++)
            {
                if (line[i] == '\\' && i + 1 < line.Length)
                {
                    i++;
                    value.Append(line[i] == 'n' ? '\n' : line[i]);
                }
                else
                {
                    value.Append(line[i]);
                }
            }

            if (i >= line.Length)
            {
                return false;
            }

            labels[key] = value.ToString();
            position = i + 1;
        }

        return false;
    }

    private static bool TryParseNumber(string text, out double value)
    {
        switch (text)
        {
            case "+Inf":
                value = double.PositiveInfinity;
                return true;
            case "-Inf":
                value = double.NegativeInfinity;
                return true;
            default:
                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
        }
    }
}
