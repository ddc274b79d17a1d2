using DvServerless.Core.Audio;

namespace DvServerless.Core.Tests.Audio;

public sealed class AudioLevelTests
{
    [Fact]
    public void Full_scale_sine_is_minus_3_dBFS_rms_and_0_dBFS_peak()
    {
        var sine = TestSignals.Sine(24_000, 1000, 1.0, 24_000);
        Assert.Equal(-3.01, AudioLevel.RmsDbfs(sine), 2);
        Assert.Equal(0, AudioLevel.PeakDbfs(sine), 2);
    }

    [Fact]
    public void Half_scale_sine_is_6_dB_lower()
    {
        var sine = TestSignals.Sine(16_000, 1000, 0.5, 16_000);
        Assert.Equal(-9.03, AudioLevel.RmsDbfs(sine), 1);
        Assert.Equal(-6.02, AudioLevel.PeakDbfs(sine), 1);
    }

    [Fact]
    public void Full_scale_negative_square_is_0_dBFS()
    {
        var square = new byte[200];
        for (var i = 0; i < square.Length; i += 2)
        {
            BitConverter.TryWriteBytes(square.AsSpan(i), short.MinValue);
        }

        Assert.Equal(0, AudioLevel.RmsDbfs(square), 6);
        Assert.Equal(0, AudioLevel.PeakDbfs(square), 6);
        Assert.Equal(1.0, AudioLevel.Peak(square));
    }

    [Fact]
    public void Silence_and_empty_buffers_are_the_floor()
    {
        Assert.Equal(AudioLevel.FloorDbfs, AudioLevel.RmsDbfs(new byte[960]));
        Assert.Equal(AudioLevel.FloorDbfs, AudioLevel.PeakDbfs(new byte[960]));
        Assert.Equal(AudioLevel.FloorDbfs, AudioLevel.RmsDbfs([]));
        Assert.Equal(-120, AudioLevel.FloorDbfs);
    }

    [Fact]
    public void One_lsb_is_above_the_floor()
    {
        var frame = new byte[960];
        frame[0] = 1;
        Assert.True(AudioLevel.RmsDbfs(frame) > AudioLevel.FloorDbfs);
        Assert.Equal(-90.3, AudioLevel.PeakDbfs(frame), 1);
    }

    [Fact]
    public void Conversions_are_inverse()
    {
        Assert.Equal(0.5, AudioLevel.FromDbfs(AudioLevel.ToDbfs(0.5)), 9);
        Assert.Equal(-20, AudioLevel.ToDbfs(0.1), 9);
        Assert.Equal(AudioLevel.FloorDbfs, AudioLevel.ToDbfs(1e-9));
    }

    [Fact]
    public void Odd_byte_counts_are_refused() => Assert.Throws<ArgumentException>(() => AudioLevel.Rms(new byte[3]));
}
