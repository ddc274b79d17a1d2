namespace DvServerless.Core.Records;

/// <summary>
/// One line of a call's record (Blob container <c>transcripts</c>, <c>{callId}.jsonl</c>, appended as it happens):
/// a finished turn of the caller or the agent, a barge-in, or the call's cost (<c>cost</c>, written once at its end).
/// </summary>
public sealed record CallRecordEntry
{
    /// <summary><c>turn</c>, <c>barge-in</c> or <c>cost</c>.</summary>
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

    /// <summary>For turns: the BCP 47 language of the text, when known (null in records written before it existed).</summary>
    public string? Language { get; init; }

    /// <summary>For caller turns: a sentiment label (<c>positive</c>, <c>neutral</c>, <c>negative</c>) when an engine or analyser supplies one.</summary>
    public string? Sentiment { get; init; }

    /// <summary>
    /// For caller turns: the sentiment score, −1 (negative) to 1 (positive), from the speech-to-text provider when it gives
    /// one, else from <see cref="Sentiment.LexiconSentimentScorer"/>; null in records written before it existed.
    /// </summary>
    public double? SentimentScore { get; init; }

    /// <summary>For turns: the recognizer's confidence, 0–1, when the engine reports one.</summary>
    public double? Confidence { get; init; }

    /// <summary>
    /// For interrupted agent turns: only what the caller heard, cut at <see cref="AudioEndMs"/> (<see cref="Text"/> keeps
    /// the text as generated, which the minutes builder cuts by the same rule).
    /// </summary>
    public string? HeardText { get; init; }

    /// <summary>
    /// For agent turns: true when the words were not the engine's but injected into the call through the API
    /// (<c>POST /api/v1/sessions/{id}/say</c>); null otherwise.
    /// </summary>
    public bool? Injected { get; init; }

    /// <summary>For <c>cost</c>: the call's cost in US dollars, from the engine's usage and the price table.</summary>
    public decimal? CostUsd { get; init; }

    /// <summary>For <c>cost</c>: what the engine used over the call.</summary>
    public Engines.EngineUsage? Usage { get; init; }

    /// <summary>
    /// A unique id of this entry (<see cref="WithId"/>), the same on every try to write it: an append whose answer was
    /// lost (a timeout while storage stalled) may have landed, and its retry then writes the line again; readers keep
    /// the first line of each id. Null in records written before it existed.
    /// </summary>
    public string? EntryId { get; init; }

    /// <summary>This entry with an <see cref="EntryId"/> (itself when it has one): call once per entry, before its first write.</summary>
    public CallRecordEntry WithId() => EntryId is null ? this with { EntryId = Guid.NewGuid().ToString("N") } : this;
}
