using DvServerless.Core.Audio;
using DvServerless.Core.Engines;
using DvServerless.MediaWorker.Calls;
using DvServerless.MediaWorker.Say;
using static DvServerless.MediaWorker.Tests.Calls.CallLoopHarness;

namespace DvServerless.MediaWorker.Tests.Calls;

/// <summary>
/// A call loop on a fake clock with short limits: a silent caller gets the agent's "are you still there?" (a system note
/// to the engine), then the goodbye in the call's voice, and the loop ends as <see cref="CallEndReason.CallerSilent"/>
/// with a hang-up; a caller who answers a prompt is not hung up on; nothing is prompted while a response streams; the
/// time limit ends the call with its own goodbye and reason.
/// </summary>
public sealed class CallLimitsLoopTests
{
    private const byte GoodbyeByte = 0x5A;
    private static readonly TimeSpan PromptAfter = TimeSpan.FromSeconds(5);

    private static CallLoopOptions Limits(int prompts = 1, TimeSpan? maxDuration = null, TimeSpan? promptAfter = null) => new()
    {
        Limits = new CallLimits(promptAfter ?? PromptAfter, prompts, "Nobody there, goodbye.", maxDuration, "Time is up, goodbye."),
    };

    [Fact]
    public async Task A_silent_caller_is_prompted_then_hears_the_goodbye_and_is_hung_up_as_caller_silent()
    {
        var speech = new GoodbyeSpeech();
        await using var call = new CallLoopHarness(options: Limits(prompts: 1), voice: new CallVoice(speech, "acme"));
        await call.SettleAsync();

        await call.AdvanceAsync(PromptAfter - TimeSpan.FromMilliseconds(40));
        Assert.Empty(call.Engine.SystemNotes);
        await call.AdvanceAsync(40);
        Assert.Equal([(CallLimits.SilenceNote, true)], call.Engine.SystemNotes);

        // The agent answers the note ("Are you still there?"), and it plays out.
        await call.EmitAsync(new ResponseStarted("resp-1"), new AgentAudioDelta("resp-1", "item-1", 0, Audio(400, 0x11)),
            new ResponseFinished("resp-1", "completed", null));
        await call.AdvanceAsync(600);
        Assert.Empty(speech.Texts);

        // Still nobody: the next silence period ends the call with the goodbye, heard to the end before the hang-up.
        await call.AdvanceAsync(PromptAfter);
        Assert.Equal(["Nobody there, goodbye."], speech.Texts);
        Assert.False(call.Run.IsCompleted);
        await call.AdvanceAsync(500);

        Assert.Equal(CallEndReason.CallerSilent, await call.Run.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal([("call-1", CallLimitEndReasons.CallerSilent)], call.Control.HangUps);
        Assert.Contains(GoodbyeByte, call.Leg.Frames.SelectMany(f => f));
        Assert.Single(call.Engine.SystemNotes);
    }

    [Fact]
    public async Task A_caller_who_answers_a_prompt_resets_it_and_is_prompted_again_not_hung_up()
    {
        await using var call = new CallLoopHarness(options: Limits(prompts: 1));
        await call.SettleAsync();
        await call.AdvanceAsync(PromptAfter);
        Assert.Single(call.Engine.SystemNotes);

        await call.EmitAsync(new CallerSpeechStarted(5200, "item-c1"));
        await call.AdvanceAsync(800);
        await call.EmitAsync(new CallerSpeechStopped(6000, "item-c1"));

        await call.AdvanceAsync(PromptAfter);
        Assert.Equal(2, call.Engine.SystemNotes.Count);
        Assert.Empty(call.Control.HangUps);
        Assert.False(call.Run.IsCompleted);
    }

    [Fact]
    public async Task Nothing_is_prompted_while_a_response_streams_and_the_silence_counts_from_its_end()
    {
        await using var call = new CallLoopHarness(options: Limits());
        await call.EmitAsync(new ResponseStarted("resp-1"));
        await call.AdvanceAsync(PromptAfter * 2);
        Assert.Empty(call.Engine.SystemNotes);

        await call.EmitAsync(new ResponseFinished("resp-1", "completed", null));
        await call.AdvanceAsync(PromptAfter - TimeSpan.FromMilliseconds(100));
        Assert.Empty(call.Engine.SystemNotes);
        await call.AdvanceAsync(100);
        Assert.Single(call.Engine.SystemNotes);
    }

    [Fact]
    public async Task The_time_limit_ends_a_call_the_caller_keeps_talking_in_with_its_own_goodbye()
    {
        var speech = new GoodbyeSpeech();
        await using var call = new CallLoopHarness(options: Limits(maxDuration: TimeSpan.FromSeconds(3)), voice: new CallVoice(speech, "acme"));
        await call.SettleAsync();
        await call.EmitAsync(new CallerSpeechStarted(0, "item-c1"));

        await call.AdvanceAsync(TimeSpan.FromSeconds(3));
        Assert.Equal(["Time is up, goodbye."], speech.Texts);
        await call.AdvanceAsync(500);

        Assert.Equal(CallEndReason.TimeLimit, await call.Run.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal([("call-1", CallLimitEndReasons.TimeLimit)], call.Control.HangUps);
        Assert.Empty(call.Engine.SystemNotes);
    }

    [Fact]
    public async Task Without_limits_a_silent_call_goes_on()
    {
        await using var call = new CallLoopHarness();
        await call.SettleAsync();
        await call.AdvanceAsync(TimeSpan.FromSeconds(40));
        Assert.Empty(call.Engine.SystemNotes);
        Assert.False(call.Run.IsCompleted);
    }

    private sealed class GoodbyeSpeech : ICallSpeech
    {
        public List<string> Texts { get; } = [];

        public Task<byte[]> SpeakAsync(string tenantId, string? agentId, string text, string? voice, AudioFormat legFormat, CancellationToken cancellationToken)
        {
            lock (Texts)
            {
                Texts.Add(text);
            }

            return Task.FromResult(Audio(300, GoodbyeByte, legFormat));
        }
    }
}
