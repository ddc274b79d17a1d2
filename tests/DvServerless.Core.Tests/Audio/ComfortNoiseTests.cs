using DvServerless.Core.Audio;

namespace DvServerless.Core.Tests.Audio;

public sealed class ComfortNoiseTests
{
    [Theory]
    [InlineData(-70)]
    [InlineData(-50)]
    [InlineData(-30)]
    public void Noise_has_the_requested_level(double level)
    {
        var buffer = new byte[48_000];
        new ComfortNoise(level, seed: 7).Fill(buffer);
        Assert.InRange(AudioLevel.RmsDbfs(buffer), level - 0.5, level + 0.5);
    }

    [Fact]
    public void Same_seed_gives_the_same_noise_and_frames_continue_the_signal()
    {
        var whole = new byte[1920];
        new ComfortNoise(-60, seed: 42).Fill(whole);

        var framed = new ComfortNoise(-60, seed: 42);
        var first = new byte[960];
        var second = new byte[960];
        framed.Fill(first);
        framed.Fill(second);
        Assert.Equal(whole, first.Concat(second).ToArray());
        Assert.NotEqual(first, second);

        var other = new byte[1920];
        new ComfortNoise(-60, seed: 43).Fill(other);
        Assert.NotEqual(whole, other);
    }

    [Fact]
    public void Bad_arguments_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ComfortNoise(-3));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ComfortNoise(double.NaN));
        Assert.Throws<ArgumentException>(() => new ComfortNoise().Fill(new byte[5]));
    }
}
