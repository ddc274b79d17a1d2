using DvServerless.Core.Audio;
using DvServerless.Core.Engines;
using DvServerless.MediaWorker.Calls;
using DvServerless.MediaWorker.Calls.Tools;
using static DvServerless.MediaWorker.Tests.Calls.CallLoopHarness;

namespace DvServerless.MediaWorker.Tests.Calls;

public sealed class CallLoopTests
{
    private const int Frame24k = 960;

    [Fact]
    public async Task Agent_audio_is_paced_at_real_time_with_the_lead()
    {
        await using var call = new CallLoopHarness(options: new CallLoopOptions { PlayoutLead = TimeSpan.FromMilliseconds(100) });

        await call.EmitAsync(new ResponseStarted("resp-1"), new AgentAudioDelta("resp-1", "item-1", 0, Audio(3000, 0x11)));

        Assert.Equal(5, call.Leg.Frames.Count); // 100 ms of lead, nothing more
        await call.AdvanceAsync(1000);
        Assert.Equal(55, call.Leg.Frames.Count); // 1 s of real time + the lead, not the whole 3 s
        Assert.All(call.Leg.Frames, f => Assert.Equal(Frame24k, f.Length));
        await call.AdvanceAsync(20);
        Assert.Equal(56, call.Leg.Frames.Count);
    }

    [Fact]
    public async Task Barge_in_mid_item_stops_audio_and_truncates_at_what_was_heard()
    {
        await using var call = new CallLoopHarness();
        await call.EmitAsync(new ResponseStarted("resp-1"), new AgentAudioDelta("resp-1", "item-1", 0, Audio(2000, 0x11)));
        await call.AdvanceAsync(500);
        var framesBefore = call.Leg.Frames.Count;

        await call.EmitAsync(new CallerSpeechStarted(4200, "caller-item-1"));

        Assert.Equal(30, framesBefore); // 500 ms heard + 100 ms lead
        Assert.True(call.Leg.Outputs[^1].IsStop);
        Assert.Equal([("item-1", 0, 500)], call.Engine.Truncates);
        Assert.Equal(0, call.Engine.Cancels); // server VAD cancels by itself (interrupt_response: true)

        var entries = await call.Sink.WaitForAsync(e => e.Count >= 2);
        var turn = Assert.Single(entries, e => e.Kind == "turn");
        Assert.Equal("agent", turn.Speaker);
        Assert.True(turn.Interrupted);
        var bargeIn = Assert.Single(entries, e => e.Kind == "barge-in");
        Assert.Equal("item-1", bargeIn.ItemId);
        Assert.Equal(500, bargeIn.AudioEndMs);
        Assert.Equal(600, bargeIn.SentMs);
        Assert.Equal(2000, bargeIn.ReceivedMs);
    }

    [Fact]
    public async Task Barge_in_cancels_the_response_only_when_the_engine_does_not()
    {
        await using var call = new CallLoopHarness(options: new CallLoopOptions { EngineInterruptsOnSpeech = false });
        await call.EmitAsync(new ResponseStarted("resp-1"), new AgentAudioDelta("resp-1", "item-1", 0, Audio(1000, 0x11)));
        await call.AdvanceAsync(200);

        await call.EmitAsync(new CallerSpeechStarted(100, null));

        Assert.Equal(1, call.Engine.Cancels);
        Assert.Equal([("item-1", 0, 200)], call.Engine.Truncates);
    }

    [Fact]
    public async Task No_cancel_when_the_response_already_finished_but_its_audio_still_plays()
    {
        await using var call = new CallLoopHarness(options: new CallLoopOptions { EngineInterruptsOnSpeech = false });
        await call.EmitAsync(new ResponseStarted("resp-1"), new AgentAudioDelta("resp-1", "item-1", 0, Audio(1000, 0x11)),
            new ResponseFinished("resp-1", "completed", null));
        await call.AdvanceAsync(300);

        await call.EmitAsync(new CallerSpeechStarted(100, null));

        Assert.Equal(0, call.Engine.Cancels);
        Assert.Equal([("item-1", 0, 300)], call.Engine.Truncates);
    }

    [Fact]
    public async Task Barge_in_before_the_first_frame_truncates_at_zero()
    {
        await using var call = new CallLoopHarness();

        // 10 ms: less than a frame, and the item is not complete, so nothing has been sent yet.
        await call.EmitAsync(new ResponseStarted("resp-1"), new AgentAudioDelta("resp-1", "item-1", 0, Audio(10, 0x11)));
        Assert.Empty(call.Leg.Frames);

        await call.EmitAsync(new CallerSpeechStarted(100, null));

        Assert.Equal([("item-1", 0, 0)], call.Engine.Truncates);
        Assert.Equal(1, call.Leg.StopCount);
    }

    [Fact]
    public async Task Barge_in_with_nothing_playing_does_not_truncate()
    {
        await using var call = new CallLoopHarness();

        await call.EmitAsync(new CallerSpeechStarted(100, null));

        Assert.Empty(call.Engine.Truncates);
        Assert.Equal(0, call.Engine.Cancels);
    }

    [Fact]
    public async Task Barge_in_after_the_item_finished_playing_does_not_truncate()
    {
        await using var call = new CallLoopHarness();
        await call.EmitAsync(new ResponseStarted("resp-1"), new AgentAudioDelta("resp-1", "item-1", 0, Audio(100, 0x11)),
            new AgentTranscriptDone("resp-1", "item-1", "Hello."), new ResponseFinished("resp-1", "completed", null));
        await call.AdvanceAsync(150);

        await call.EmitAsync(new CallerSpeechStarted(100, null));

        Assert.Empty(call.Engine.Truncates);
        var entries = await call.Sink.WaitForAsync(e => e.Count >= 1);
        var turn = Assert.Single(entries);
        Assert.Equal(("turn", "agent", "Hello.", false, 100), (turn.Kind, turn.Speaker, turn.Text, turn.Interrupted, turn.SentMs));
    }

    [Fact]
    public async Task No_audio_of_the_interrupted_item_is_sent_after_StopAudio()
    {
        await using var call = new CallLoopHarness();
        await call.EmitAsync(new ResponseStarted("resp-1"), new AgentAudioDelta("resp-1", "item-1", 0, Audio(500, 0x11)));
        await call.AdvanceAsync(200);

        await call.EmitAsync(new CallerSpeechStarted(100, null));
        await call.EmitAsync(new AgentAudioDelta("resp-1", "item-1", 0, Audio(500, 0x11)), new ResponseFinished("resp-1", "cancelled", "turn_detected"));
        await call.AdvanceAsync(1000);
        await call.EmitAsync(new ResponseStarted("resp-2"), new AgentAudioDelta("resp-2", "item-2", 0, Audio(200, 0x22)),
            new ResponseFinished("resp-2", "completed", null));
        await call.AdvanceAsync(1000);

        var outputs = call.Leg.Outputs;
        var stop = outputs.ToList().FindIndex(o => o.IsStop);
        Assert.True(stop > 0);
        var after = outputs.Skip(stop + 1).ToArray();
        Assert.DoesNotContain(after, o => o.Audio is { } a && a.Contains((byte)0x11));
        Assert.Equal(10, after.Count(o => o.Audio is { } a && a.All(b => b == 0x22))); // the next answer plays in full
    }

    [Fact]
    public async Task Pass_through_keeps_bytes_identical_both_ways()
    {
        await using var call = new CallLoopHarness(AudioFormat.Pcm24k);
        var caller = new byte[Frame24k * 3];
        Random.Shared.NextBytes(caller);
        for (var i = 0; i < 3; i++)
        {
            call.Leg.PushCallerAudio(caller.AsSpan(i * Frame24k, Frame24k));
        }

        var agent = new byte[Frame24k * 4 + 100];
        Random.Shared.NextBytes(agent);
        await call.EmitAsync(new ResponseStarted("resp-1"), new AgentAudioDelta("resp-1", "item-1", 0, agent.AsMemory(..1234)),
            new AgentAudioDelta("resp-1", "item-1", 0, agent.AsMemory(1234..)), new ResponseFinished("resp-1", "completed", null));
        await call.AdvanceAsync(200);
        await call.Engine.WhenAudioReceivedAsync(caller.Length);

        Assert.Equal(caller, call.Engine.ReceivedAudio);
        Assert.Equal([Frame24k, Frame24k, Frame24k], call.Engine.ReceivedChunkSizes);
        Assert.Equal(agent, call.Leg.Frames.SelectMany(f => f).ToArray());
        Assert.Equal([Frame24k, Frame24k, Frame24k, Frame24k, 100], call.Leg.Frames.Select(f => f.Length));
    }

    [Fact]
    public async Task A_16_kHz_leg_is_resampled_both_ways()
    {
        await using var call = new CallLoopHarness(AudioFormat.Pcm16k);
        for (var i = 0; i < 5; i++)
        {
            call.Leg.PushCallerAudio(Audio(20, 0x01, AudioFormat.Pcm16k));
        }

        await call.EmitAsync(new ResponseStarted("resp-1"), new AgentAudioDelta("resp-1", "item-1", 0, Audio(100, 0x02)));
        await call.Engine.WhenAudioReceivedAsync(5 * Frame24k);

        Assert.Equal(Enumerable.Repeat(Frame24k, 5), call.Engine.ReceivedChunkSizes); // 640 B at 16 kHz → 960 B at 24 kHz
        Assert.Equal(5, call.Leg.Frames.Count);
        Assert.All(call.Leg.Frames, f => Assert.Equal(640, f.Length)); // 20 ms at 16 kHz
    }

    [Fact]
    public async Task Caller_and_agent_turns_are_recorded()
    {
        await using var call = new CallLoopHarness();
        await call.EmitAsync(new CallerSpeechStarted(1200, "caller-1"), new CallerSpeechStopped(2400, "caller-1"),
            new CallerTranscript("caller-1", "What time is it?"));
        await call.EmitAsync(new ResponseStarted("resp-1"), new AgentTranscriptDelta("resp-1", "item-1", "It is "),
            new AgentAudioDelta("resp-1", "item-1", 0, Audio(200, 0x11)), new ResponseFinished("resp-1", "completed", null));
        await call.AdvanceAsync(300);
        await call.EmitAsync(new AgentTranscriptDone("resp-1", "item-1", "It is nine."));

        var entries = await call.Sink.WaitForAsync(e => e.Count >= 2);
        Assert.Equal(("turn", "caller", "What time is it?", 1200L), (entries[0].Kind, entries[0].Speaker, entries[0].Text, entries[0].StartMs));
        Assert.Equal(("turn", "agent", "It is nine.", "item-1", 200, 200), (entries[1].Kind, entries[1].Speaker, entries[1].Text, entries[1].ItemId, entries[1].SentMs, entries[1].ReceivedMs));
        Assert.Equal(0, entries[1].StartMs);
        Assert.Equal(200, entries[1].EndMs);
    }

    [Fact]
    public async Task A_failing_record_sink_does_not_break_audio()
    {
        await using var call = new CallLoopHarness();
        call.Sink.Fail = true;
        await call.EmitAsync(new CallerTranscript("caller-1", "Hello"), new ResponseStarted("resp-1"),
            new AgentAudioDelta("resp-1", "item-1", 0, Audio(1000, 0x11)));
        await call.AdvanceAsync(500);

        Assert.Equal(30, call.Leg.Frames.Count);
        Assert.False(call.Run.IsCompleted);
    }

    [Fact]
    public async Task End_call_tool_ends_the_call_after_the_goodbye_played()
    {
        await using var call = new CallLoopHarness();
        await call.EmitAsync(new ResponseStarted("resp-1"), new AgentAudioDelta("resp-1", "item-1", 0, Audio(200, 0x11)),
            new ToolCallRequested("tool-1", EndCallToolHandler.ToolName, "{}"), new ResponseFinished("resp-1", "completed", null));
        await call.SettleAsync();
        Assert.False(call.Run.IsCompleted);

        await call.AdvanceAsync(300);

        Assert.Equal(CallEndReason.AgentEnded, await call.Run.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal([("call-1", EndCallToolHandler.ToolName)], call.Control.HangUps);
        Assert.Equal(10, call.Leg.Frames.Count);
        Assert.True(call.Leg.Closed);
        Assert.True(call.Engine.Disposed);
    }

    [Fact]
    public async Task Unknown_tools_get_an_error_result_and_each_call_id_runs_once()
    {
        await using var call = new CallLoopHarness();
        await call.EmitAsync(new ToolCallRequested("tool-1", "launch_rockets", "{}"), new ToolCallRequested("tool-1", "launch_rockets", "{}"));

        var result = Assert.Single(call.Engine.ToolResults);
        Assert.Equal("tool-1", result.CallId);
        Assert.Contains("unknown tool", result.Output);
    }

    [Fact]
    public async Task The_call_ends_when_the_leg_closes_and_everything_is_disposed()
    {
        await using var call = new CallLoopHarness();
        await call.EmitAsync(new ResponseStarted("resp-1"), new AgentAudioDelta("resp-1", "item-1", 0, Audio(1000, 0x11)));

        Assert.Equal(CallEndReason.LegClosed, await call.EndAsync());
        Assert.True(call.Engine.Disposed);
        Assert.True(call.Leg.Disposed);
    }

    [Fact]
    public async Task The_call_ends_when_the_engine_closes()
    {
        await using var call = new CallLoopHarness();
        call.Engine.Emit(new EngineClosed("session_expired"));

        Assert.Equal(CallEndReason.EngineClosed, await call.Run.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(call.Leg.Closed);
    }

    [Fact]
    public async Task The_agent_greets_first_when_asked()
    {
        await using var call = new CallLoopHarness(options: new CallLoopOptions { GreetFirst = true, GreetingInstructions = "Say hello." });
        await call.SettleAsync();

        Assert.Equal(["Say hello."], call.Engine.ResponsesCreated);
    }

    [Theory]
    [InlineData(500, 2000, 500)]
    [InlineData(1500, 1200, 1200)] // never past what the engine produced
    [InlineData(-3, 1200, 0)]
    [InlineData(40, 0, 0)]
    public void Truncation_point_is_what_was_heard_clamped_to_what_was_received(int heardMs, int receivedMs, int expected)
    {
        Assert.Equal(expected, CallLoop.TruncationPointMs(heardMs, receivedMs));
    }

    [Fact]
    public void Loop_options_follow_the_agents_turn_detection()
    {
        Assert.True(CallLoopOptions.From(new AgentOptions { TurnDetection = "semantic_vad" }, TimeSpan.FromMilliseconds(80)).EngineInterruptsOnSpeech);
        Assert.False(CallLoopOptions.From(new AgentOptions { TurnDetection = "" }, TimeSpan.FromMilliseconds(80)).EngineInterruptsOnSpeech);
    }
}
