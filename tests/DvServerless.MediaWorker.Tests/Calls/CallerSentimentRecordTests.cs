using DvServerless.Core.Engines;
using DvServerless.Core.Speech;

namespace DvServerless.MediaWorker.Tests.Calls;

/// <summary>Each caller turn is recorded with a sentiment: the provider's when it gives one, else the local scorer's.</summary>
public sealed class CallerSentimentRecordTests
{
    [Fact]
    public async Task A_caller_turn_without_provider_sentiment_is_scored_locally()
    {
        await using var call = new CallLoopHarness();
        await call.EmitAsync(new CallerTranscript("item-1", "This is not good, I am really upset."));

        var entries = await call.Sink.WaitForAsync(e => e.Any(x => x.Kind == "turn"));
        var turn = Assert.Single(entries, x => x.Kind == "turn");
        Assert.Equal("negative", turn.Sentiment);
        Assert.InRange(turn.SentimentScore!.Value, -1, -1.0 / 3);
    }

    [Fact]
    public async Task The_providers_sentiment_wins_over_the_local_scorer()
    {
        await using var call = new CallLoopHarness();
        // The words read negative locally; the provider's reading is the one recorded.
        await call.EmitAsync(new CallerTranscript("item-1", "terrible", new SpeechSentiment("positive", 0.72)));

        var entries = await call.Sink.WaitForAsync(e => e.Any(x => x.Kind == "turn"));
        var turn = Assert.Single(entries, x => x.Kind == "turn");
        Assert.Equal(("positive", 0.72), (turn.Sentiment, turn.SentimentScore));
    }
}
