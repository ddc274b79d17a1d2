using System.Collections.Concurrent;
using System.Diagnostics;

namespace DvServerless.Testing.Telemetry;

/// <summary>
/// Listens to the named ActivitySources, samples everything they start and keeps each span once it stopped: what an
/// exporter would be handed. Listeners are process-wide, so a test reads only the spans of its own call.
/// </summary>
public sealed class SpanCollector : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly ConcurrentQueue<Activity> _stopped = new();

    /// <summary>Starts listening to <paramref name="sourceNames"/>.</summary>
    public SpanCollector(params string[] sourceNames)
    {
        var names = new HashSet<string>(sourceNames, StringComparer.Ordinal);
        _listener = new ActivityListener
        {
            ShouldListenTo = source => names.Contains(source.Name),
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>The spans stopped so far, in the order they stopped.</summary>
    public IReadOnlyList<Activity> Spans => [.. _stopped];

    /// <summary>The stopped spans tagged with <paramref name="tag"/> = <paramref name="value"/>.</summary>
    public IReadOnlyList<Activity> Tagged(string tag, string value) =>
        Spans.Where(span => span.GetTagItem(tag) is string tagged && tagged == value).ToList();

    /// <summary>The stopped spans of trace <paramref name="traceId"/>.</summary>
    public IReadOnlyList<Activity> OfTrace(ActivityTraceId traceId) => Spans.Where(span => span.TraceId == traceId).ToList();

    /// <inheritdoc />
    public void Dispose() => _listener.Dispose();
}
