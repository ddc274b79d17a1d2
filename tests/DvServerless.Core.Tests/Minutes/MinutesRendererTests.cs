using DvServerless.Core.Minutes;
using DvServerless.Core.Records;

namespace DvServerless.Core.Tests.Minutes;

public sealed class MinutesRendererTests
{
    private static readonly DateTimeOffset At = new(2026, 1, 10, 3, 0, 0, TimeSpan.Zero);

    private static MinutesDocument Sample() => MinutesBuilder.Build(
        new MinutesCallInfo("call-1", "tenant-a", ["+821012345678", "+15551234567"], At, "openai"),
        [
            new CallRecordEntry { Kind = "turn", Speaker = "caller", Text = "Hello, is this the clinic?", StartMs = 1234, EndMs = 2500, At = At },
            new CallRecordEntry { Kind = "turn", Speaker = "agent", Text = "Yes it is, how can I help you today?", StartMs = 3000, EndMs = 6000, ItemId = "i2", Interrupted = true, ReceivedMs = 3000, At = At },
            new CallRecordEntry { Kind = "barge-in", StartMs = 4500, ItemId = "i2", Interrupted = true, AudioEndMs = 1500, ReceivedMs = 3000, At = At },
        ]);

    [Fact]
    public void Srt_has_exact_timestamps_sequence_numbers_and_blank_lines()
    {
        Assert.Equal(
            "1\n00:00:01,234 --> 00:00:02,500\ncaller: Hello, is this the clinic?\n\n" +
            "2\n00:00:03,000 --> 00:00:04,500\nagent: Yes it is, how can…[interrupted]\n",
            MinutesRenderer.RenderSrt(Sample()));
    }

    [Theory]
    [InlineData(0, "00:00:00,000")]
    [InlineData(3_723_004, "01:02:03,004")]
    [InlineData(360_000_000, "100:00:00,000")]
    public void Srt_time_is_hours_minutes_seconds_comma_millis(long ms, string expected) =>
        Assert.Equal(expected, MinutesRenderer.SrtTime(ms));

    [Fact]
    public void Text_matches_golden_with_masked_parties_and_no_summary_line()
    {
        Assert.Equal(
            "Minutes of call call-1\nTenant: tenant-a\nParties: +********5678, +*******4567\nStart: 2026-01-10 03:00:00 UTC\nDuration: 0:00:06\nEngine: openai\n" +
            "\nDialogue\n[00:01] caller: Hello, is this the clinic?\n[00:03] agent: Yes it is, how can…[interrupted]\n" +
            "\nSummary\nNo summary: no language model is configured.\n",
            MinutesRenderer.RenderText(Sample()));
    }

    [Fact]
    public void Markdown_matches_golden_with_summary_and_action_items()
    {
        var document = Sample() with { Summary = new MinutesSummary("Caller asked about the clinic.", ["Call back tomorrow"]) };
        Assert.Equal(
            "# Minutes of call call-1\n\n- **Tenant:** tenant-a\n- **Parties:** +********5678, +*******4567\n- **Start:** 2026-01-10 03:00:00 UTC\n- **Duration:** 0:00:06\n- **Engine:** openai\n" +
            "\n## Dialogue\n\n- `00:01` **caller:** Hello, is this the clinic?\n- `00:03` **agent:** Yes it is, how can…[interrupted]\n" +
            "\n## Summary\n\nCaller asked about the clinic.\n\n## Action items\n\n- [ ] Call back tomorrow\n",
            MinutesRenderer.RenderMarkdown(document));
    }

    [Fact]
    public void Json_carries_lines_and_no_summary_reason()
    {
        using var json = System.Text.Json.JsonDocument.Parse(MinutesRenderer.RenderJson(Sample()));
        var root = json.RootElement;
        Assert.Equal("call-1", root.GetProperty("callId").GetString());
        Assert.Equal(2, root.GetProperty("lines").GetArrayLength());
        Assert.Equal(4500, root.GetProperty("lines")[1].GetProperty("endMs").GetInt64());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, root.GetProperty("summary").ValueKind);
        Assert.Equal("No summary: no language model is configured.", root.GetProperty("noSummary").GetString());
    }

    [Theory]
    [InlineData("txt", MinutesFormat.Txt, "text/plain; charset=utf-8")]
    [InlineData("MD", MinutesFormat.Md, "text/markdown; charset=utf-8")]
    [InlineData("json", MinutesFormat.Json, "application/json; charset=utf-8")]
    [InlineData("srt", MinutesFormat.Srt, "application/x-subrip; charset=utf-8")]
    public void Formats_parse_and_have_content_types(string value, MinutesFormat format, string contentType)
    {
        Assert.True(MinutesRenderer.TryParseFormat(value, out var parsed));
        Assert.Equal(format, parsed);
        Assert.Equal(contentType, MinutesRenderer.ContentTypeOf(parsed));
    }

    [Fact]
    public void Unknown_format_is_refused() => Assert.False(MinutesRenderer.TryParseFormat("pdf", out _));
}
