using DvServerless.Core.Audio;
using DvServerless.Core.Engines;
using static DvServerless.MediaWorker.Tests.Calls.CallLoopHarness;

namespace DvServerless.MediaWorker.Tests.Calls;

/// <summary>The count of audio buffers a soak reads: back where it was once a call ended, up when one is kept.</summary>
[Collection(PooledBufferCounting.Name)]
public sealed class PooledBufferAccountingTests
{
    [Fact]
    public async Task A_call_with_agent_audio_and_a_barge_in_gives_every_audio_buffer_back_when_it_ends()
    {
        var before = PooledBuffers.Outstanding;
        await using (var call = new CallLoopHarness(AudioFormat.Pcm16k))
        {
            await call.EmitAsync(new ResponseStarted("resp-1"), AgentAudioDelta.RentCopy("resp-1", "item-1", 0, Audio(1000, 0x11)));
            await call.AdvanceAsync(300);
            Assert.True(PooledBuffers.Outstanding > before, "the playout holds the unplayed audio in a pooled buffer");
            await call.EmitAsync(new CallerSpeechStarted(4200, "caller-item-1"));
            await call.EmitAsync(new ResponseStarted("resp-2"), AgentAudioDelta.RentCopy("resp-2", "item-2", 0, Audio(600, 0x22)));
            await call.AdvanceAsync(1000);
            await call.EndAsync();
        }

        Assert.Equal(before, PooledBuffers.Outstanding);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(40)]
    public async Task Agent_audio_that_arrives_as_the_caller_hangs_up_goes_back_to_the_pool(int deltas)
    {
        var before = PooledBuffers.Outstanding;
        await using (var call = new CallLoopHarness(AudioFormat.Pcm24k))
        {
            await call.EmitAsync(new ResponseStarted("resp-1"));
            // The caller hangs up as the audio comes in, not waited for: some deltas are still with the engine, some on
            // their way to the loop, some in its queue behind the hang-up.
            call.Leg.Hangup();
            for (var i = 0; i < deltas; i++)
            {
                call.Engine.Emit(AgentAudioDelta.RentCopy("resp-1", "item-1", 0, Audio(200, 0x11)));
            }

            await call.EndAsync();
        }

        Assert.Equal(before, PooledBuffers.Outstanding);
    }

    [Fact]
    public void A_delta_nobody_releases_stays_counted_until_it_is_released()
    {
        var before = PooledBuffers.Outstanding;

        var delta = AgentAudioDelta.RentCopy("resp-1", "item-1", 0, Audio(100, 0x11));
        Assert.Equal(before + 1, PooledBuffers.Outstanding);

        delta.Release();
        Assert.Equal(before, PooledBuffers.Outstanding);
    }
}

/// <summary>Tests that read the process-wide buffer count run alone: any other test's call would move it.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PooledBufferCounting
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Pooled buffer counting";
}
