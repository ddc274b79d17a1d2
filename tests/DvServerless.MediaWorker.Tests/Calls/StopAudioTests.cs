using DvServerless.Core.Engines;

namespace DvServerless.MediaWorker.Tests.Calls;

/// <summary>StopAudio goes to ACS only when agent audio may still be playing there: never as noise on every caller word.</summary>
public sealed class StopAudioTests
{
    private static byte[] Audio(int ms, byte fill) => Enumerable.Repeat(fill, ms * 48).ToArray();

    [Fact]
    public async Task Caller_speech_with_no_agent_audio_sends_no_stop_audio()
    {
        await using var call = new CallLoopHarness();

        await call.EmitAsync(new CallerSpeechStarted(0, "item-caller"));

        Assert.Equal(0, call.Leg.StopCount);
    }

    [Fact]
    public async Task Caller_speech_after_the_agent_audio_finished_playing_sends_no_stop_audio()
    {
        await using var call = new CallLoopHarness();
        await call.EmitAsync(new ResponseStarted("resp-1"), new AgentAudioDelta("resp-1", "item-1", 0, Audio(100, 0x11)),
            new ResponseFinished("resp-1", "completed", null));
        await call.AdvanceAsync(300); // sent and played out at the caller's side

        await call.EmitAsync(new CallerSpeechStarted(0, "item-caller"));

        Assert.Equal(0, call.Leg.StopCount);
    }

    [Fact]
    public async Task Caller_speech_while_sent_audio_is_still_playing_at_acs_sends_stop_audio()
    {
        await using var call = new CallLoopHarness();
        await call.EmitAsync(new ResponseStarted("resp-1"), new AgentAudioDelta("resp-1", "item-1", 0, Audio(100, 0x11)),
            new ResponseFinished("resp-1", "completed", null));
        await call.AdvanceAsync(40); // all 100 ms sent thanks to the lead, only 40 ms played

        await call.EmitAsync(new CallerSpeechStarted(0, "item-caller"));

        Assert.Equal(1, call.Leg.StopCount);
    }
}
