using DvServerless.Core.Audio;
using DvServerless.Simulators.Acs;

namespace DvServerless.Simulators.Tests.Acs;

public sealed class AcsPlayoutQueueTests
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(20);

    [Fact]
    public void StopAudio_discards_what_was_not_played_and_ends_the_segment()
    {
        using var queue = new AcsPlayoutQueue(AudioFormat.Pcm24k);
        queue.Enqueue(new byte[AudioFormat.Pcm24k.FrameBytes(100)]);

        for (var tick = 0; tick < 3; tick++)
        {
            queue.Play(Tick * tick, Tick);
        }

        queue.Stop(TimeSpan.FromMilliseconds(60));

        Assert.Equal(AudioFormat.Pcm24k.FrameBytes(60), queue.HeardAudio().Length);
        Assert.Equal(40, Assert.Single(queue.Stops).FlushedMs);
        var segment = Assert.Single(queue.Segments());
        Assert.True(segment.EndedByStopAudio);
        Assert.Equal(TimeSpan.Zero, segment.Start);
        Assert.Equal(TimeSpan.FromMilliseconds(60), segment.End);
        Assert.True(queue.IsEmpty);
    }

    [Fact]
    public void A_gap_over_300_ms_starts_a_new_segment_and_a_shorter_one_does_not()
    {
        using var queue = new AcsPlayoutQueue(AudioFormat.Pcm16k);
        var now = TimeSpan.Zero;
        void Run(int ticks)
        {
            for (var i = 0; i < ticks; i++, now += Tick)
            {
                queue.Play(now, Tick);
            }
        }

        queue.Enqueue(new byte[AudioFormat.Pcm16k.FrameBytes(40)]);
        Run(2 + 10);  // 40 ms of audio, then a 200 ms gap
        queue.Enqueue(new byte[AudioFormat.Pcm16k.FrameBytes(40)]);
        Run(2 + 20);  // 40 ms more, then a 400 ms gap
        queue.Enqueue(new byte[AudioFormat.Pcm16k.FrameBytes(20)]);
        Run(1);
        queue.Finish();

        var segments = queue.Segments();
        Assert.Equal(2, segments.Count);
        Assert.Equal(80, segments[0].PlayedMs);
        Assert.Equal(20, segments[1].PlayedMs);
        Assert.False(segments[0].EndedByStopAudio);
        Assert.Equal(segments[0].HeardLength, segments[1].HeardOffset);
        // The short silence is a hole inside the first segment; the long one is the break between segments.
        var gap = Assert.Single(queue.Gaps());
        Assert.Equal(new AgentAudioGap(TimeSpan.FromMilliseconds(40), TimeSpan.FromMilliseconds(200)), gap);
    }
}
