using System.ComponentModel.DataAnnotations;

namespace DvServerless.Functions.Records;

/// <summary>
/// Per-conference limits (configuration section <c>Conferences</c>): what one tenant can make the gateway store and
/// send to the language model through one conference id.
/// </summary>
public sealed class ConferenceOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Conferences";

    /// <summary>The most calls one conference may link.</summary>
    [Range(1, 1000)]
    public int MaxCallIds { get; set; } = 50;

    /// <summary>The most external segments one conference may hold, over all submissions.</summary>
    [Range(1, 1_000_000)]
    public int MaxSegments { get; set; } = 5000;

    /// <summary>The most bytes (UTF-8 speaker + text) of external segments one conference may hold.</summary>
    [Range(1024, 1L << 30)]
    public long MaxSegmentBytes { get; set; } = 4L << 20;

    /// <summary>The most characters of dialogue sent to the summarizer; the minutes keep every line, the summary covers the start.</summary>
    [Range(1000, 10_000_000)]
    public int MaxSummaryInputChars { get; set; } = 60_000;
}
