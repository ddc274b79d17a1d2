namespace DvServerless.Simulators.Realtime;

/// <summary>Token usage summed over every <c>response.done</c> the simulator sent.</summary>
public sealed record RealtimeUsageTotals(
    long InputTokens,
    long OutputTokens,
    long InputTextTokens,
    long InputAudioTokens,
    long CachedTokens,
    long OutputTextTokens,
    long OutputAudioTokens)
{
    /// <summary>No usage.</summary>
    public static RealtimeUsageTotals Zero { get; } = new(0, 0, 0, 0, 0, 0, 0);

    /// <summary>All tokens.</summary>
    public long TotalTokens => InputTokens + OutputTokens;

    /// <summary>The sum of two totals.</summary>
    public RealtimeUsageTotals Add(RealtimeUsageTotals other) => new(
        InputTokens + other.InputTokens,
        OutputTokens + other.OutputTokens,
        InputTextTokens + other.InputTextTokens,
        InputAudioTokens + other.InputAudioTokens,
        CachedTokens + other.CachedTokens,
        OutputTextTokens + other.OutputTextTokens,
        OutputAudioTokens + other.OutputAudioTokens);
}
