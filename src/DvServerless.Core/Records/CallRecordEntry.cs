namespace DvServerless.Core.Records;

/// <summary>
/// One line of a call's record (Blob container <c>transcripts</c>, <c>{callId}.jsonl</c>, appended as it happens):
/// a finished turn of the caller or the agent, or a barge-in.
/// </summary>
public sealed record CallRecordEntry
{
    /// <summary><c>turn</c> or <c>barge-in</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>For turns: <c>caller</c> or <c>agent</c>.</summary>
    public string? Speaker { get; init; }

    /// <summary>For turns: what was said (for an interrupted agent turn, the text as generated).</summary>
    public string? Text { get; init; }

    /// <summary>Milliseconds from the start of media when the turn began or the barge-in happened.</summary>
    public long StartMs { get; init; }

    /// <summary>Milliseconds from the start of media when the turn ended.</summary>
    public long? EndMs { get; init; }

    /// <summary>The engine's item id.</summary>
    public string? ItemId { get; init; }

    /// <summary>For agent turns and barge-ins: true when the caller interrupted the agent.</summary>
    public bool Interrupted { get; init; }

    /// <summary>For barge-ins: the <c>audio_end_ms</c> sent in the truncate (what the caller heard of the item).</summary>
    public int? AudioEndMs { get; init; }

    /// <summary>For agent turns and barge-ins: milliseconds of the item's audio sent to the caller.</summary>
    public int? SentMs { get; init; }

    /// <summary>For agent turns and barge-ins: milliseconds of the item's audio the engine produced.</summary>
    public int? ReceivedMs { get; init; }

    /// <summary>The engine's name.</summary>
    public string? Engine { get; init; }

    /// <summary>Wall-clock time of the entry.</summary>
    public DateTimeOffset At { get; init; }
}
