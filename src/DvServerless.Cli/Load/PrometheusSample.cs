namespace DvServerless.Cli.Load;

/// <summary>One sample line of a Prometheus exposition.</summary>
/// <param name="Name">The metric name (with its <c>_bucket</c>, <c>_sum</c>, <c>_count</c> or <c>_total</c> suffix).</param>
/// <param name="Labels">Its labels.</param>
/// <param name="Value">Its value.</param>
public sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);
