using DvServerless.Core.Audio;

namespace DvServerless.Core.Tests.Audio;

public sealed class PcmFrameTests
{
    [Fact]
    public void A_20ms_frame_at_24kHz_has_480_samples()
    {
        var frame = new PcmFrame(AudioFormat.Pcm24k, new byte[960], TimeSpan.FromMilliseconds(40));
        Assert.Equal(480, frame.SampleCount);
        Assert.Equal(TimeSpan.FromMilliseconds(20), frame.Duration);
        Assert.Equal(20, frame.DurationMs);
        Assert.Equal(TimeSpan.FromMilliseconds(40), frame.Timestamp);
        Assert.False(frame.IsEmpty);
    }

    [Fact]
    public void G711_frames_count_one_byte_per_sample()
    {
        var frame = new PcmFrame(new AudioFormat(8_000, AudioEncoding.Mulaw), new byte[160]);
        Assert.Equal(160, frame.SampleCount);
        Assert.Equal(TimeSpan.FromMilliseconds(20), frame.Duration);
        Assert.Null(frame.Timestamp);
    }

    [Fact]
    public void Partial_samples_are_refused() =>
        Assert.Throws<ArgumentException>(() => new PcmFrame(AudioFormat.Pcm16k, new byte[3]));

    [Fact]
    public void Default_frame_is_empty() => Assert.Equal(0, default(PcmFrame).SampleCount);

    [Fact]
    public void Samples_in_a_duration() => Assert.Equal(320, PcmFrame.SamplesIn(16_000, 20));
}
