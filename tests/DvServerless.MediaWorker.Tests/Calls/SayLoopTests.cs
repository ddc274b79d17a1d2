using DvServerless.Core.Engines;
using DvServerless.MediaWorker.Say;
using static DvServerless.MediaWorker.Tests.Calls.CallLoopHarness;

namespace DvServerless.MediaWorker.Tests.Calls;

/// <summary>Speech injected through the API, on the fake clock: queued after the agent's response, or cutting it off like a barge-in.</summary>
public sealed class SayLoopTests
{
    private const byte AgentByte = 0x11;
    private const byte SayByte = 0x55;

    [Fact]
    public async Task Without_interrupt_it_plays_after_the_current_response_and_is_recorded_as_an_injected_agent_turn()
    {
        await using var call = new CallLoopHarness();
        await call.EmitAsync(new ResponseStarted("resp-1"), new AgentAudioDelta("resp-1", "item-1", 0, Audio(200, AgentByte)));
        await call.AdvanceAsync(60);

        Assert.True(call.Loop.Say(new InjectedSpeech("Your table is ready.", Audio(300, SayByte), Interrupt: false)));
        await call.SettleAsync();

        // The response is still streaming: more of its audio comes, and the injected words wait for its end.
        await call.EmitAsync(new AgentAudioDelta("resp-1", "item-1", 0, Audio(200, AgentByte)), new AgentTranscriptDone("resp-1", "item-1", "Let me check."),
            new ResponseFinished("resp-1", "completed", null));
        await call.AdvanceAsync(1000);

        var frames = call.Leg.Frames;
        Assert.Equal(35, frames.Count); // 400 ms of agent, then 300 ms of injected speech, nothing cut
        Assert.All(frames.Take(20), f => Assert.Equal(AgentByte, f[0]));
        Assert.All(frames.Skip(20), f => Assert.Equal(SayByte, f[0]));
        Assert.Equal(0, call.Leg.StopCount);

        var entries = await call.Sink.WaitForAsync(e => e.Count(x => x.Kind == "turn") >= 2);
        var injected = Assert.Single(entries, x => x.Kind == "turn" && x.Injected == true);
        Assert.Equal(("agent", "Your table is ready.", 300, false), (injected.Speaker, injected.Text, injected.SentMs, injected.Interrupted));
        Assert.Null(entries.Single(x => x.ItemId == "item-1").Injected);
        Assert.Empty(call.Engine.UserTexts); // nothing went to the engine as the caller's words
    }

    [Fact]
    public async Task With_interrupt_it_flushes_the_agent_as_a_barge_in_does_and_plays_at_once()
    {
        await using var call = new CallLoopHarness(options: new DvServerless.MediaWorker.Calls.CallLoopOptions { EngineInterruptsOnSpeech = true });
        await call.EmitAsync(new ResponseStarted("resp-1"), new AgentAudioDelta("resp-1", "item-1", 0, Audio(2000, AgentByte)));
        await call.AdvanceAsync(400);

        Assert.True(call.Loop.Say(new InjectedSpeech("Sorry to cut in.", Audio(200, SayByte), Interrupt: true)));
        await call.SettleAsync();
        await call.EmitAsync(new AgentAudioDelta("resp-1", "item-1", 0, Audio(500, AgentByte))); // in flight: dropped
        await call.AdvanceAsync(400);

        var outputs = call.Leg.Outputs;
        var stop = outputs.ToList().FindIndex(o => o.IsStop);
        Assert.True(stop > 0);
        Assert.All(outputs.Skip(stop + 1), o => Assert.Equal(SayByte, o.Audio![0])); // only the injected words after StopAudio
        Assert.Equal(10, outputs.Skip(stop + 1).Count());
        Assert.Equal([("item-1", 0, 400)], call.Engine.Truncates); // the agent item cut at what was heard
        Assert.Equal(1, call.Engine.Cancels); // not the engine's VAD: the loop cancels the response itself

        var entries = await call.Sink.WaitForAsync(e => e.Any(x => x.Injected == true));
        Assert.Contains(entries, x => x.Kind == "barge-in" && x.ItemId == "item-1");
    }

    [Fact]
    public async Task Barge_in_over_injected_speech_stops_it_without_a_truncate()
    {
        await using var call = new CallLoopHarness();
        call.Loop.Say(new InjectedSpeech("A long announcement.", Audio(2000, SayByte), Interrupt: false));
        await call.AdvanceAsync(500);

        await call.EmitAsync(new CallerSpeechStarted(500, "caller-1"));

        Assert.Equal(1, call.Leg.StopCount);
        Assert.Empty(call.Engine.Truncates); // the engine never produced it
        var entries = await call.Sink.WaitForAsync(e => e.Any(x => x.Kind == "turn" && x.Injected == true));
        Assert.True(entries.Single(x => x.Kind == "turn" && x.Injected == true).Interrupted);
    }
}
