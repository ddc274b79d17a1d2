using DvServerless.Core.Audio;
using DvServerless.Core.Engines;
using static DvServerless.MediaWorker.Tests.Calls.CallLoopHarness;

namespace DvServerless.MediaWorker.Tests.Calls;

/// <summary>The call loop gives every pooled agent delta back once its audio is in the playout, including dropped ones.</summary>
public sealed class PooledAgentAudioTests
{
    [Theory]
    [InlineData(24_000)]
    [InlineData(16_000)]
    public async Task Pooled_delta_is_played_and_released_after_the_loop_copied_it(int legRate)
    {
        var legFormat = new AudioFormat(legRate);
        await using var call = new CallLoopHarness(legFormat);
        var delta = AgentAudioDelta.RentCopy("resp-1", "item-1", 0, Audio(1000, 0x11));

        await call.EmitAsync(new ResponseStarted("resp-1"), delta);

        Assert.False(delta.IsPooled);
        Assert.Equal(5, call.Leg.Frames.Count); // the 100 ms lead
        await call.AdvanceAsync(1000);
        var frames = call.Leg.Frames;
        Assert.Equal(50, frames.Count);
        Assert.All(frames, f => Assert.Equal(legFormat.FrameBytes(20), f.Length));
        if (legRate == 24_000)
        {
            // What the caller hears is what the engine sent, though its buffer went back to the pool at once.
            Assert.All(frames, f => Assert.All(f, b => Assert.Equal(0x11, b)));
        }
    }

    [Fact]
    public async Task Pooled_delta_of_an_interrupted_item_is_released_and_not_played()
    {
        await using var call = new CallLoopHarness();
        await call.EmitAsync(new ResponseStarted("resp-1"), new AgentAudioDelta("resp-1", "item-1", 0, Audio(1000, 0x11)));
        await call.AdvanceAsync(200);
        await call.EmitAsync(new CallerSpeechStarted(4200, "caller-item-1"));
        var framesBefore = call.Leg.Frames.Count;
        var late = AgentAudioDelta.RentCopy("resp-1", "item-1", 0, Audio(500, 0x22));

        await call.EmitAsync(late);
        await call.AdvanceAsync(500);

        Assert.False(late.IsPooled);
        Assert.Equal(framesBefore, call.Leg.Frames.Count);
    }
}
