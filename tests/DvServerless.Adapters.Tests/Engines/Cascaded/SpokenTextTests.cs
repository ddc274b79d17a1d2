using DvServerless.Adapters.Engines.Cascaded;
using DvServerless.Core.Audio;

namespace DvServerless.Adapters.Tests.Engines.Cascaded;

public sealed class SpokenTextTests
{
    [Theory]
    [InlineData(0, "")]
    [InlineData(200, "")]
    [InlineData(400, "Hello")]
    [InlineData(1000, "Hello there.")]
    [InlineData(1500, "Hello there. How are")]
    [InlineData(1050, "Hello there.")]
    [InlineData(1100, "Hello there. How")]
    [InlineData(3000, "Hello there. How are you today?")]
    public void What_was_heard_is_every_piece_played_and_the_share_of_the_one_playing_cut_at_a_word(int audioEndMs, string heard)
    {
        var spoken = new SpokenText(AudioFormat.Pcm16k);
        spoken.Begin("Hello there.");
        spoken.AddAudio(AudioFormat.Pcm16k.BytesPerMillisecond * 600);
        spoken.AddAudio(AudioFormat.Pcm16k.BytesPerMillisecond * 400);
        spoken.Begin("How are you today?");
        spoken.AddAudio(AudioFormat.Pcm16k.BytesPerMillisecond * 1000);

        Assert.Equal(heard, spoken.HeardText(audioEndMs));
        Assert.Equal("Hello there. How are you today?", spoken.Text);
    }
}
