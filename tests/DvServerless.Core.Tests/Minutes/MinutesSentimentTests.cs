using System.Text.Json;
using DvServerless.Core.Minutes;
using DvServerless.Core.Records;

namespace DvServerless.Core.Tests.Minutes;

/// <summary>The caller's sentiment in the minutes: per caller line and overall, and absent for records without it.</summary>
public sealed class MinutesSentimentTests
{
    private static readonly DateTimeOffset At = new(2026, 1, 10, 3, 0, 0, TimeSpan.Zero);

    private static MinutesDocument Sample() => MinutesBuilder.Build(
        new MinutesCallInfo("call-1", "tenant-a", [], At, "openai"),
        [
            new CallRecordEntry { Kind = "turn", Speaker = "caller", Text = "My order is late again.", StartMs = 1000, EndMs = 2500, At = At, Sentiment = "negative", SentimentScore = -0.6 },
            new CallRecordEntry { Kind = "turn", Speaker = "agent", Text = "I am sorry, let me check.", StartMs = 3000, EndMs = 4000, At = At },
            new CallRecordEntry { Kind = "turn", Speaker = "caller", Text = "Thanks, that helps.", StartMs = 5000, EndMs = 6000, At = At, Sentiment = "positive", SentimentScore = 0.4 },
        ]);

    [Fact]
    public void Text_shows_each_caller_lines_sentiment_and_the_overall_figure_in_the_header()
    {
        Assert.Equal(
            "Minutes of call call-1\nTenant: tenant-a\nParties: -\nStart: 2026-01-10 03:00:00 UTC\nDuration: 0:00:06\nEngine: openai\n" +
            "Caller sentiment: neutral -0.10\n" +
            "\nDialogue\n[00:01] caller: My order is late again. (negative -0.60)\n[00:03] agent: I am sorry, let me check.\n" +
            "[00:05] caller: Thanks, that helps. (positive +0.40)\n" +
            "\nSummary\nNo summary: no language model is configured.\n",
            MinutesRenderer.RenderText(Sample()));
    }

    [Fact]
    public void Markdown_marks_caller_lines_and_json_carries_line_and_overall_sentiment()
    {
        var markdown = MinutesRenderer.RenderMarkdown(Sample());
        Assert.Contains("- **Caller sentiment:** neutral -0.10\n", markdown, StringComparison.Ordinal);
        Assert.Contains("**caller:** My order is late again. _(negative -0.60)_\n", markdown, StringComparison.Ordinal);
        Assert.Contains("**agent:** I am sorry, let me check.\n", markdown, StringComparison.Ordinal);

        using var json = JsonDocument.Parse(MinutesRenderer.RenderJson(Sample()));
        var lines = json.RootElement.GetProperty("lines");
        Assert.Equal(("negative", -0.6), (lines[0].GetProperty("sentiment").GetString(), lines[0].GetProperty("sentimentScore").GetDouble()));
        Assert.Equal(JsonValueKind.Null, lines[1].GetProperty("sentiment").ValueKind);
        var overall = json.RootElement.GetProperty("callerSentiment");
        Assert.Equal(("neutral", -0.1), (overall.GetProperty("label").GetString(), overall.GetProperty("score").GetDouble()));
    }

    [Fact]
    public void Records_without_sentiment_render_as_before_with_no_overall_figure()
    {
        var document = MinutesBuilder.Build(new MinutesCallInfo("call-2", null, [], At, null),
            [new CallRecordEntry { Kind = "turn", Speaker = "caller", Text = "Hello?", StartMs = 0, EndMs = 500, At = At }]);

        Assert.Null(document.CallerSentiment);
        var text = MinutesRenderer.RenderText(document);
        Assert.Contains("[00:00] caller: Hello?\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("sentiment", text, StringComparison.OrdinalIgnoreCase);
    }
}
