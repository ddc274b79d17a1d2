namespace DvServerless.Core.Speech;

/// <summary>The sentiment of one caller segment: a label (<c>positive</c>, <c>neutral</c>, <c>negative</c>) and a score from −1 to 1.</summary>
public sealed record SpeechSentiment(string Label, double Score);
