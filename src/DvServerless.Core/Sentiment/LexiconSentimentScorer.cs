using System.Text;
using DvServerless.Core.Speech;

namespace DvServerless.Core.Sentiment;

/// <summary>
/// A small local sentiment scorer for a caller's turn, in English and Korean, used when the speech-to-text provider gives
/// no sentiment (Realtime transcription, Deepgram's live API). Sums the weights of the polar words it knows
/// (<see cref="SentimentLexicon"/>), flipping and softening a negated one and strengthening an intensified one, and
/// squashes the sum into [−1, 1]. No network, no model: a rough reading, meant for "was this caller unhappy".
/// </summary>
public static class LexiconSentimentScorer
{
    // A negated word counts against its sign, a little weaker ("not bad" is not "good").
    private const double NegationFactor = -0.75;
    private const double IntensifierFactor = 1.5;

    // sum / sqrt(sum² + Alpha): one plain polar word ("good", 1) lands at 0.45, past the ±1/3 band; more words approach ±1.
    private const double Alpha = 4;

    /// <summary>The sentiment of <paramref name="text"/>: label and score in [−1, 1] (0, neutral, for no polar words).</summary>
    public static SpeechSentiment Score(string? text)
    {
        var words = Words(text);
        double sum = 0;
        for (var i = 0; i < words.Count; i++)
        {
            var weight = WeightOf(words[i]);
            if (weight == 0)
            {
                continue;
            }

            if (i > 0 && SentimentLexicon.Intensifiers.Contains(words[i - 1]))
            {
                weight *= IntensifierFactor;
            }

            if (IsNegated(words, i))
            {
                weight *= NegationFactor;
            }

            sum += weight;
        }

        var score = sum / Math.Sqrt(sum * sum + Alpha);
        score = Math.Clamp(Math.Round(score, 3), -1, 1);
        return new SpeechSentiment(SentimentLabels.Of(score), score);
    }

    private static double WeightOf(string word)
    {
        if (SentimentLexicon.English.TryGetValue(word, out var weight))
        {
            return weight;
        }

        if (!IsHangul(word))
        {
            return 0;
        }

        foreach (var (stem, stemWeight) in SentimentLexicon.KoreanStems)
        {
            if (word.StartsWith(stem, StringComparison.Ordinal))
            {
                return stemWeight;
            }
        }

        return 0;
    }

    private static bool IsNegated(List<string> words, int index)
    {
        var word = words[index];
        if (IsHangul(word))
        {
            // 안 좋아요 / 못 믿겠어요 before; 좋지 않아요 / 문제 없어요 after; 좋지않아요 written as one word.
            return (index > 0 && SentimentLexicon.KoreanNegatorsBefore.Contains(words[index - 1]))
                || (index + 1 < words.Count && SentimentLexicon.KoreanNegatorsAfter.Any(n => words[index + 1].StartsWith(n, StringComparison.Ordinal)))
                || word.Contains("지않", StringComparison.Ordinal);
        }

        for (var j = Math.Max(0, index - 3); j < index; j++)
        {
            if (SentimentLexicon.EnglishNegators.Contains(words[j]))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Lower-case words, punctuation dropped; apostrophes removed inside words, so "don't" reads "dont".</summary>
    private static List<string> Words(string? text)
    {
        var words = new List<string>();
        if (string.IsNullOrWhiteSpace(text))
        {
            return words;
        }

        var word = new StringBuilder();
        foreach (var c in text)
        {
            if (char.IsLetterOrDigit(c))
            {
                word.Append(char.ToLowerInvariant(c));
            }
            else if (c is '\'' or '’' && word.Length > 0)
            {
                continue;
            }
            else if (word.Length > 0)
            {
                words.Add(word.ToString());
                word.Clear();
            }
        }

        if (word.Length > 0)
        {
            words.Add(word.ToString());
        }

        return words;
    }

    private static bool IsHangul(string word) => word.Length > 0 && word[0] is >= '\uAC00' and <= '\uD7A3';
}
