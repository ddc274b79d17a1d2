using DvServerless.Cli.Calls;
using DvServerless.Core.Records;
using DvServerless.Simulators.Acs;

namespace DvServerless.Cli.Tests.Calls;

public sealed class CallSummaryBuilderTests
{
    private static OutboundMediaMessage Audio(double atMs) =>
        new(TimeSpan.FromMilliseconds(atMs), OutboundMediaKind.AudioData, OutboundMediaSpelling.DocsPascalCase, 960, 1340);

    [Fact]
    public void Agent_audio_arriving_after_a_stop_audio_while_the_caller_still_talks_is_counted()
    {
        var result = new SimulatedCallResult
        {
            Outcome = SimulatedCallOutcome.CallerHungUp,
            StopAudios = [new StopAudioRecord(TimeSpan.FromMilliseconds(5000), 100)],
            CallerAudioEndedAt = TimeSpan.FromMilliseconds(7000),
            OutboundMessages =
            [
                Audio(4980), // before the StopAudio: fine
                Audio(5020), // the interrupted answer leaking through
                Audio(6900), // still leaking: the caller has not stopped talking
                Audio(7600), // the next answer, after the caller stopped
            ],
        };

        IReadOnlyList<CallRecordEntry> records =
        [
            new() { Kind = "turn", Speaker = "agent", StartMs = 3000, Text = "Sure, let me", Interrupted = true },
            new() { Kind = "turn", Speaker = "agent", StartMs = 7600, Text = "Of course." },
        ];

        Assert.Equal(2, CallSummaryBuilder.CountAgentFramesAfterStopAudio(result, records));
    }

    [Fact]
    public void The_agents_next_answer_is_not_counted_even_while_the_callers_audio_goes_on()
    {
        // A caller WAV that keeps talking: the window would reach 20 s, but the agent answered at 6 s.
        var result = new SimulatedCallResult
        {
            Outcome = SimulatedCallOutcome.CallerHungUp,
            StopAudios = [new StopAudioRecord(TimeSpan.FromMilliseconds(5000), 100)],
            CallerAudioEndedAt = TimeSpan.FromMilliseconds(20000),
            OutboundMessages = [Audio(5020), Audio(6000), Audio(6020), Audio(9000)],
        };
        IReadOnlyList<CallRecordEntry> records =
        [
            new() { Kind = "turn", Speaker = "agent", StartMs = 3000, Text = "Sure, let me", Interrupted = true },
            new() { Kind = "turn", Speaker = "caller", StartMs = 4800, Text = "Wait" },
            new() { Kind = "turn", Speaker = "agent", StartMs = 6000, Text = "Of course." },
        ];

        Assert.Equal(1, CallSummaryBuilder.CountAgentFramesAfterStopAudio(result, records));
    }

    [Fact]
    public void An_interrupted_agent_turn_reads_as_heard_and_keeps_the_generated_text_beside_it()
    {
        IReadOnlyList<CallRecordEntry> records =
        [
            new() { Kind = "turn", Speaker = "agent", StartMs = 3000, Text = "Sure, let me look that up for you.", HeardText = "Sure, let me", Interrupted = true },
            new() { Kind = "turn", Speaker = "agent", StartMs = 6000, Text = "Of course." },
        ];

        var turns = CallSummaryBuilder.Turns(records);

        Assert.Equal("Sure, let me", turns[0].Text);
        Assert.Equal("Sure, let me look that up for you.", turns[0].GeneratedText);
        Assert.Equal("Of course.", turns[1].Text);
        Assert.Null(turns[1].GeneratedText);
    }

    [Fact]
    public void Holes_inside_an_agent_item_are_playout_gaps_and_pauses_between_turns_or_after_a_stop_are_not()
    {
        static AgentAudioSegment Segment(int fromMs, int toMs, bool stopped = false) =>
            new(TimeSpan.FromMilliseconds(fromMs), TimeSpan.FromMilliseconds(toMs), toMs - fromMs, 0, 0, stopped);
        var result = new SimulatedCallResult
        {
            Outcome = SimulatedCallOutcome.CallerHungUp,
            Segments =
            [
                Segment(0, 1000), Segment(1700, 2400),  // the greeting, split by a 700 ms stall
                Segment(5000, 6000, stopped: true),     // an answer cut off by the caller…
                Segment(6050, 6300),                    // …whose leftover after the StopAudio is not a hole in it
                Segment(9000, 11000),                   // the next answer, after the caller's turn
            ],
            PlayoutGaps = [new AgentAudioGap(TimeSpan.FromMilliseconds(9500), TimeSpan.FromMilliseconds(120))],
        };
        IReadOnlyList<CallRecordEntry> records =
        [
            new() { Kind = "turn", Speaker = "agent", StartMs = 0, Text = "Hello" },
            new() { Kind = "turn", Speaker = "caller", StartMs = 3000, Text = "Hi" },
            new() { Kind = "turn", Speaker = "agent", StartMs = 5000, Text = "Sure", Interrupted = true },
            new() { Kind = "turn", Speaker = "agent", StartMs = 9000, Text = "Bye" },
        ];

        Assert.Equal([700, 120], CallSummaryBuilder.PlayoutGaps(result, records));
    }

    [Fact]
    public void Silent_frames_and_stop_audio_messages_are_not_agent_audio()
    {
        var result = new SimulatedCallResult
        {
            Outcome = SimulatedCallOutcome.CallerHungUp,
            StopAudios = [new StopAudioRecord(TimeSpan.FromMilliseconds(1000), 0)],
            OutboundMessages =
            [
                new(TimeSpan.FromMilliseconds(1100), OutboundMediaKind.AudioData, OutboundMediaSpelling.DocsPascalCase, 0, 60),
                new(TimeSpan.FromMilliseconds(1200), OutboundMediaKind.StopAudio, OutboundMediaSpelling.DocsPascalCase, 0, 50),
            ],
        };

        Assert.Equal(0, CallSummaryBuilder.CountAgentFramesAfterStopAudio(result, []));
    }

    [Theory]
    [InlineData("Ended", 1, 0, true)]
    [InlineData("Connected", 1, 0, false)]
    [InlineData("Ended", 2, 0, false)]
    [InlineData("Ended", 1, 1, false)]
    [InlineData("Missing", 0, 0, false)]
    public void A_call_succeeds_only_when_it_ended_after_exactly_one_answer_and_no_protocol_error(string state, int answers, int errors, bool success)
    {
        var summary = new CallSummary
        {
            CallId = "c1",
            Engine = "realtime-simulator",
            FinalState = state,
            AnswerRequests = answers,
            ProtocolErrors = Enumerable.Repeat("bad frame", errors).ToList(),
        };

        Assert.Equal(success, CallRunner.IsSuccess(summary));
    }
}
