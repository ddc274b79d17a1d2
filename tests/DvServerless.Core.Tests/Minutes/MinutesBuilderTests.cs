using DvServerless.Core.Minutes;
using DvServerless.Core.Records;

namespace DvServerless.Core.Tests.Minutes;

public sealed class MinutesBuilderTests
{
    [Theory]
    [InlineData("one two three four", 500, 1000, "one two")]
    [InlineData("one two three four", 1000, 1000, "one two three four")]
    [InlineData("one two three four", 0, 1000, "")]
    [InlineData("one two three four", null, 1000, "one two three four")]
    public void Heard_text_is_cut_proportionally_at_a_word_boundary(string text, int? heard, int produced, string expected) =>
        Assert.Equal(expected, MinutesBuilder.HeardText(text, heard, produced));

    [Fact]
    public void Conference_lines_merge_in_time_order_across_calls()
    {
        var start = new DateTimeOffset(2026, 1, 10, 3, 0, 0, TimeSpan.Zero);
        var a = new MinutesCallInfo("call-a", StartedAt: start);
        var b = new MinutesCallInfo("call-b", StartedAt: start.AddSeconds(2));
        var document = MinutesBuilder.BuildConference("conf-1", "t", new List<(MinutesCallInfo, IReadOnlyList<CallRecordEntry>)>
        {
            (a, [new CallRecordEntry { Kind = "turn", Speaker = "caller", Text = "A first", StartMs = 1000, EndMs = 1500 },
                 new CallRecordEntry { Kind = "turn", Speaker = "caller", Text = "A third", StartMs = 5000, EndMs = 5500 }]),
            (b, [new CallRecordEntry { Kind = "turn", Speaker = "caller", Text = "B second", StartMs = 1000, EndMs = 1500 }]),
        });

        Assert.Equal(["A first", "B second", "A third"], document.Lines.Select(l => l.Text));
        Assert.Equal(3000, document.Lines[1].StartMs);
        Assert.Equal("call-b", document.Lines[1].CallId);
        Assert.Equal(["call-a", "call-b"], document.CallIds);
    }

    [Theory]
    [InlineData("+821012345678", "+********5678")]
    [InlineData("4:+1 555 123 4567", "*:+* *** *** 4567")]
    [InlineData("***5678", "***5678")]
    public void Phone_numbers_keep_the_last_four_digits(string value, string expected) =>
        Assert.Equal(expected, PhoneNumberMask.Apply(value));
}
