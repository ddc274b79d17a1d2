using DvServerless.Core.Sentiment;

namespace DvServerless.Core.Tests.Sentiment;

/// <summary>The local sentiment scorer on English and Korean caller turns, negation included.</summary>
public sealed class LexiconSentimentScorerTests
{
    [Theory]
    [InlineData("This is great, thank you so much!", SentimentLabels.Positive)]
    [InlineData("The service was terrible and I'm really frustrated.", SentimentLabels.Negative)]
    [InlineData("I'd like to book a table for two at seven.", SentimentLabels.Neutral)]
    [InlineData("정말 감사합니다", SentimentLabels.Positive)]
    [InlineData("너무 실망했어요", SentimentLabels.Negative)]
    [InlineData("내일 오후 세 시에 예약하고 싶어요", SentimentLabels.Neutral)]
    public void Plain_turns_get_the_label_their_words_carry(string text, string expected) =>
        Assert.Equal(expected, LexiconSentimentScorer.Score(text).Label);

    [Theory]
    [InlineData("That is good.", "That is not good.")]
    [InlineData("It was helpful.", "It wasn't helpful at all.")]
    [InlineData("There is a problem.", "No problem at all.")]
    [InlineData("좋아요", "안 좋아요")]
    [InlineData("좋아요", "좋지 않아요")]
    [InlineData("좋아요", "좋지않아요")]
    [InlineData("문제가 있어요", "문제 없어요")]
    public void Negation_turns_the_reading_around(string plain, string negated)
    {
        var before = LexiconSentimentScorer.Score(plain);
        var after = LexiconSentimentScorer.Score(negated);

        Assert.NotEqual(SentimentLabels.Neutral, before.Label);
        Assert.NotEqual(SentimentLabels.Neutral, after.Label);
        Assert.Equal(-Math.Sign(before.Score), Math.Sign(after.Score));
    }

    [Fact]
    public void An_intensifier_strengthens_the_word_after_it()
    {
        Assert.True(LexiconSentimentScorer.Score("very good").Score > LexiconSentimentScorer.Score("good").Score);
        Assert.True(LexiconSentimentScorer.Score("너무 좋아요").Score > LexiconSentimentScorer.Score("좋아요").Score);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    public void No_words_is_neutral_zero(string? text) =>
        Assert.Equal(new Core.Speech.SpeechSentiment(SentimentLabels.Neutral, 0), LexiconSentimentScorer.Score(text));

    [Fact]
    public void Scores_stay_within_minus_one_and_one_however_many_words_pile_up()
    {
        var praise = string.Join(' ', Enumerable.Repeat("great excellent perfect", 200));
        var anger = string.Join(' ', Enumerable.Repeat("terrible awful 최악", 200));

        Assert.InRange(LexiconSentimentScorer.Score(praise).Score, 0.99, 1);
        Assert.InRange(LexiconSentimentScorer.Score(anger).Score, -1, -0.99);
    }

    [Theory]
    [InlineData(0.34, SentimentLabels.Positive)]
    [InlineData(0.33, SentimentLabels.Neutral)]
    [InlineData(-0.33, SentimentLabels.Neutral)]
    [InlineData(-0.34, SentimentLabels.Negative)]
    public void Labels_follow_the_one_third_bands(double score, string expected) => Assert.Equal(expected, SentimentLabels.Of(score));
}
