using DvServerless.Cli.Calls;

namespace DvServerless.Cli.Tests.Calls;

public sealed class ConversationPrinterTests
{
    private static readonly CallSummary Summary = new()
    {
        CallId = "call-1",
        Engine = "realtime-simulator",
        FinalState = "Ended",
        Turns =
        [
            new() { Speaker = "caller", Text = "Hello, I would like to know your opening hours on Saturdays and Sundays please, and whether the shop on the high street is open late on Thursday evenings", StartMs = 1000, EndMs = 9000 },
            new() { Speaker = "agent", Text = "Sure, let me", GeneratedText = "Sure, let me look that up for you right now.", StartMs = 9500, EndMs = 10500, Interrupted = true },
        ],
    };

    [Fact]
    public void Printed_to_a_file_no_turn_is_wrapped_at_80_columns()
    {
        using var writer = new StringWriter();
        var console = DvServerless.Cli.DvsConsole.Create(writer, redirected: true);

        ConversationPrinter.Print(console, Summary);

        var callerLine = Assert.Single(writer.ToString().Split('\n'), l => l.Contains("opening hours", StringComparison.Ordinal));
        Assert.Contains("Thursday evenings", callerLine, StringComparison.Ordinal);
    }

    [Fact]
    public void An_interrupted_turn_shows_what_the_caller_heard_not_the_whole_generated_text()
    {
        using var writer = new StringWriter();
        var console = DvServerless.Cli.DvsConsole.Create(writer, redirected: true);

        ConversationPrinter.Print(console, Summary);

        var text = writer.ToString();
        var agentLine = Assert.Single(text.Split('\n'), l => l.Contains("Sure, let me", StringComparison.Ordinal));
        Assert.DoesNotContain("look that up", agentLine, StringComparison.Ordinal);
        Assert.Contains("7 more words were generated but not heard", agentLine, StringComparison.Ordinal);
        Assert.Contains("call time", text, StringComparison.Ordinal);
    }
}
