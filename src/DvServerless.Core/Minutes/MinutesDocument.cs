namespace DvServerless.Core.Minutes;

/// <summary>Everything the minutes of one call (or one conference) say, ready for <see cref="MinutesRenderer"/>.</summary>
public sealed record MinutesDocument
{
    /// <summary>The call id, or the conference id for merged minutes.</summary>
    public required string CallId { get; init; }

    /// <summary>The tenant the call belongs to.</summary>
    public string? TenantId { get; init; }

    /// <summary>The parties, already masked (see <see cref="PhoneNumberMask"/>); <see cref="MinutesBuilder"/> masks them.</summary>
    public IReadOnlyList<string> Parties { get; init; } = [];

    /// <summary>When media started (the zero of every line's timestamps).</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>How long the call lasted.</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>The engine that spoke for the agent.</summary>
    public string? Engine { get; init; }

    /// <summary>For conference minutes: the calls merged into them.</summary>
    public IReadOnlyList<string> CallIds { get; init; } = [];

    /// <summary>The dialogue in time order.</summary>
    public IReadOnlyList<MinutesLine> Lines { get; init; } = [];

    /// <summary>
    /// The caller's overall sentiment: the mean score of the lines that carry one, with its label; null when none does
    /// (records written before sentiment was recorded).
    /// </summary>
    public Speech.SpeechSentiment? CallerSentiment { get; init; }

    /// <summary>The call's cost in US dollars (the sum over its calls for a conference); null when no cost was recorded.</summary>
    public decimal? CostUsd { get; init; }

    /// <summary>The summary, or null when there is none (see <see cref="NoSummaryReason"/>).</summary>
    public MinutesSummary? Summary { get; init; }

    /// <summary>Why there is no summary; rendered as <c>No summary: {reason}</c>.</summary>
    public string NoSummaryReason { get; init; } = MinutesRenderer.NoLanguageModelReason;
}
