namespace DvServerless.Functions.Records;

/// <summary>One externally submitted transcript segment.</summary>
public sealed record ConferenceSegment
{
    /// <summary>Who spoke (a name or a role).</summary>
    public string? Speaker { get; init; }

    /// <summary>What was said.</summary>
    public string? Text { get; init; }

    /// <summary>Milliseconds from the submission's zero when the segment began.</summary>
    public long? StartMs { get; init; }

    /// <summary>Milliseconds from the submission's zero when it ended.</summary>
    public long? EndMs { get; init; }

    /// <summary>BCP 47 language.</summary>
    public string? Language { get; init; }

    /// <summary>Recognizer confidence, 0–1.</summary>
    public double? Confidence { get; init; }

    /// <summary>Sentiment label.</summary>
    public string? Sentiment { get; init; }
}
