namespace DvServerless.Core.Minutes;

/// <summary>One line of dialogue in the minutes.</summary>
/// <param name="Speaker"><c>caller</c>, <c>agent</c>, or a participant name.</param>
/// <param name="StartMs">Milliseconds from the start of the minutes (the call's media start) when the line began.</param>
/// <param name="EndMs">Milliseconds from the start of the minutes when the line ended.</param>
/// <param name="Text">What was said; for an interrupted agent turn only what the caller heard, ending in <see cref="MinutesBuilder.InterruptedMarker"/>.</param>
/// <param name="Interrupted">True when the caller cut the agent off.</param>
/// <param name="CallId">The call the line came from (differs between lines of a conference).</param>
/// <param name="Sentiment">For caller lines: the sentiment label (<c>positive</c>, <c>neutral</c>, <c>negative</c>), when recorded.</param>
/// <param name="SentimentScore">For caller lines: the sentiment score, −1 to 1, when recorded.</param>
public sealed record MinutesLine(string Speaker, long StartMs, long EndMs, string Text, bool Interrupted = false, string? CallId = null,
    string? Sentiment = null, double? SentimentScore = null);
