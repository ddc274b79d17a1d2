using System.Text.Json;
using DvServerless.Adapters.Storage;
using DvServerless.Core.Records;

namespace DvServerless.Adapters.Tests.Storage;

/// <summary>A caller turn's sentiment in the stored record line: written, read back, and optional for old lines.</summary>
public sealed class CallRecordSentimentJsonTests
{
    [Fact]
    public void A_caller_turn_with_sentiment_round_trips_through_the_stored_json()
    {
        var entry = new CallRecordEntry
        {
            Kind = "turn", Speaker = "caller", Text = "너무 실망했어요", StartMs = 1200, ItemId = "item-1",
            At = new DateTimeOffset(2026, 1, 1, 9, 0, 0, TimeSpan.Zero), Sentiment = "negative", SentimentScore = -0.6,
        };

        var line = JsonSerializer.Serialize(entry, StorageJson.Options);

        Assert.Contains("\"sentiment\":\"negative\"", line, StringComparison.Ordinal);
        Assert.Contains("\"sentimentScore\":-0.6", line, StringComparison.Ordinal);
        Assert.Equal(entry, JsonSerializer.Deserialize<CallRecordEntry>(line, StorageJson.Options));
    }

    [Fact]
    public void A_line_written_before_sentiment_existed_still_parses_without_it()
    {
        const string Old = """{"kind":"turn","speaker":"caller","text":"Hello?","startMs":0,"itemId":"item-1","interrupted":false,"at":"2025-11-01T09:00:00+00:00"}""";

        var entry = JsonSerializer.Deserialize<CallRecordEntry>(Old, StorageJson.Options)!;

        Assert.Equal(("caller", "Hello?"), (entry.Speaker, entry.Text));
        Assert.Null(entry.Sentiment);
        Assert.Null(entry.SentimentScore);
        Assert.DoesNotContain("sentiment", JsonSerializer.Serialize(entry, StorageJson.Options), StringComparison.Ordinal);
    }
}
