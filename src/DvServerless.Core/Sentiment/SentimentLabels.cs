namespace DvServerless.Core.Sentiment;

/// <summary>The sentiment labels of a caller's turn and the score bands that give them.</summary>
public static class SentimentLabels
{
    /// <summary>A score above <see cref="Band"/>.</summary>
    public const string Positive = "positive";

    /// <summary>A score within ±<see cref="Band"/>.</summary>
    public const string Neutral = "neutral";

    /// <summary>A score below −<see cref="Band"/>.</summary>
    public const string Negative = "negative";

    /// <summary>
    /// Where a score in [−1, 1] stops being neutral: ±1/3, the break point Deepgram documents for its
    /// <c>sentiment_score</c>, so provider and local scores read the same.
    /// </summary>
    public const double Band = 1.0 / 3;

    /// <summary>The label of <paramref name="score"/>.</summary>
    public static string Of(double score) => score > Band ? Positive : score < -Band ? Negative : Neutral;
}
