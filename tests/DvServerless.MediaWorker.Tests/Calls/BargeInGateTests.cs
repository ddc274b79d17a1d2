using DvServerless.Core.Engines;
using DvServerless.MediaWorker.Calls;
using static DvServerless.MediaWorker.Tests.Calls.CallLoopHarness;

namespace DvServerless.MediaWorker.Tests.Calls;

/// <summary>
/// The false-interruption gate on the fake clock: a cough pauses the agent and it resumes where it paused; a real
/// sentence barges in as usual (flush, StopAudio, cancel, truncate at what was heard).
/// </summary>
public sealed class BargeInGateTests
{
    private const byte AgentByte = 0x11;

    private static CallLoopOptions Gated(int minSpeechMs, int minWords = 0, bool engineInterrupts = false) => new()
    {
        EngineInterruptsOnSpeech = engineInterrupts,
        BargeInGate = new BargeInGateOptions { MinSpeechMs = minSpeechMs, MinWords = minWords },
    };

    private static async Task<CallLoopHarness> SpeakingAgentAsync(CallLoopOptions options)
    {
        var call = new CallLoopHarness(options: options);
        await call.EmitAsync(new ResponseStarted("resp-1"), new AgentAudioDelta("resp-1", "item-1", 0, Audio(2000, AgentByte)),
            new AgentTranscriptDone("resp-1", "item-1", "Here is the long answer."), new ResponseFinished("resp-1", "completed", null));
        await call.AdvanceAsync(500);
        return call;
    }

    [Fact]
    public async Task A_150_ms_cough_pauses_the_agent_and_it_resumes_where_it_paused()
    {
        await using var call = await SpeakingAgentAsync(Gated(minSpeechMs: 400));
        var before = call.Leg.Frames.Count;

        await call.EmitAsync(new CallerSpeechStarted(5000, "caller-1"));
        await call.AdvanceAsync(150);
        var duringCough = call.Leg.Frames.Count - before;
        await call.EmitAsync(new CallerSpeechStopped(5150, "caller-1"));
        await call.AdvanceAsync(2000);

        Assert.Equal(0, duringCough); // paused: nothing sent, nothing flushed
        Assert.Equal(0, call.Leg.StopCount);
        Assert.Empty(call.Engine.Truncates);
        Assert.Equal(0, call.Engine.Cancels);
        Assert.Equal(100, call.Leg.Frames.Count); // every frame of the 2 s answer, none lost or repeated
        var turn = (await call.Sink.WaitForAsync(e => e.Any(x => x.Kind == "turn"))).Single(x => x.Kind == "turn");
        Assert.False(turn.Interrupted);
        Assert.Equal(2000, turn.SentMs);
    }

    [Fact]
    public async Task A_real_sentence_passes_the_gate_and_barges_in()
    {
        await using var call = await SpeakingAgentAsync(Gated(minSpeechMs: 400));

        await call.EmitAsync(new CallerSpeechStarted(5000, "caller-1"));
        await call.AdvanceAsync(300);
        Assert.Equal(0, call.Leg.StopCount); // still deciding
        await call.AdvanceAsync(120);

        Assert.Equal(1, call.Leg.StopCount);
        Assert.Equal(0, call.Engine.Cancels); // the response had finished streaming: nothing left to cancel
        // Heard: the 500 ms played before the pause plus the 100 ms lead already at the far end.
        Assert.Equal([("item-1", 0, 600)], call.Engine.Truncates);
        var frames = call.Leg.Outputs.ToList();
        Assert.Equal(30, frames.FindIndex(o => o.IsStop)); // no frame between the pause and the StopAudio
    }

    [Fact]
    public async Task A_word_minimum_waits_for_the_transcript_and_resumes_on_a_single_word()
    {
        await using var call = await SpeakingAgentAsync(Gated(minSpeechMs: 0, minWords: 2));

        await call.EmitAsync(new CallerSpeechStarted(5000, "caller-1"));
        await call.AdvanceAsync(400);
        await call.EmitAsync(new CallerSpeechStopped(5400, "caller-1"), new CallerTranscript("caller-1", "Uh"));
        await call.AdvanceAsync(200);
        Assert.Equal(0, call.Leg.StopCount);
        Assert.False(call.Loop.BargeInGatePending);

        await call.EmitAsync(new CallerSpeechStarted(6000, "caller-2"));
        await call.AdvanceAsync(500);
        await call.EmitAsync(new CallerSpeechStopped(6500, "caller-2"), new CallerTranscript("caller-2", "Wait, stop there"));

        Assert.Equal(1, call.Leg.StopCount);
        Assert.Single(call.Engine.Truncates);
    }

    [Fact]
    public async Task With_an_engine_that_cancels_by_itself_the_gate_stands_aside()
    {
        // Realtime's server VAD (interrupt_response: true) has already cancelled the response: nothing to resume.
        await using var call = await SpeakingAgentAsync(Gated(minSpeechMs: 400, engineInterrupts: true));

        await call.EmitAsync(new CallerSpeechStarted(5000, "caller-1"));

        Assert.Equal(1, call.Leg.StopCount);
        Assert.Single(call.Engine.Truncates);
    }
}
