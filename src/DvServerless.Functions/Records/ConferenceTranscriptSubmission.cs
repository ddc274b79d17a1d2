namespace DvServerless.Functions.Records;

/// <summary>
/// The body of <c>POST /api/v1/minutes/{confId}/transcripts</c>: segments spoken outside our calls (another bridge, a
/// meeting recorder), optionally the calls of the conference to link, and the wall-clock zero of the segments' times.
/// </summary>
public sealed record ConferenceTranscriptSubmission
{
    /// <summary>What sent the segments (recorded as the engine of their lines).</summary>
    public string? Source { get; init; }

    /// <summary>When the submitter's <c>startMs</c> zero was; null to align the segments with the conference's first call.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>Calls to add to the conference.</summary>
    public List<string>? CallIds { get; init; }

    /// <summary>The segments (1–500).</summary>
    public List<ConferenceSegment>? Segments { get; init; }
}
