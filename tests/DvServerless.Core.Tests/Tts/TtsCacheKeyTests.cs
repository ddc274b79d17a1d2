using DvServerless.Core.Audio;
using DvServerless.Core.Tts;

namespace DvServerless.Core.Tests.Tts;

public sealed class TtsCacheKeyTests
{
    private static string Key(string text = "Hello there", string voice = "alloy", string model = "m", TtsVoiceOptions? options = null, int rate = 24_000, string provider = "openai") =>
        TtsCacheKey.Compute(provider, voice, model, options ?? TtsVoiceOptions.Default, text, new AudioFormat(rate));

    [Fact]
    public void Key_is_lowercase_sha256_hex_and_stable() =>
        Assert.Matches("^[0-9a-f]{64}$", Key());

    [Fact]
    public void Whitespace_and_unicode_normalization_do_not_change_the_key()
    {
        Assert.Equal(Key("Hello there"), Key("  Hello \n\t there "));
        Assert.Equal(Key("\uD55C"), Key("\u1112\u1161\u11AB")); // 한 precomposed vs conjoining jamo
    }

    [Fact]
    public void Every_part_that_changes_the_audio_changes_the_key()
    {
        var keys = new[]
        {
            Key(), Key(text: "Hello There"), Key(voice: "marin"), Key(model: "m2"), Key(rate: 16_000), Key(provider: "elevenlabs"),
            Key(options: new TtsVoiceOptions { Stability = 0.6 }), Key(options: new TtsVoiceOptions { Pauses = TtsPauses.Long }),
        };
        Assert.Equal(keys.Length, keys.Distinct().Count());
    }

    [Fact]
    public void Policy_evicts_expired_then_least_recently_used()
    {
        var now = new DateTimeOffset(2026, 1, 10, 0, 0, 0, TimeSpan.Zero);
        var policy = new TtsCachePolicy { MaxEntries = 2 };
        var evicted = policy.SelectEvictions(
        [
            new("old", now.AddDays(-8), now.AddDays(-1)),
            new("a", now.AddDays(-1), now.AddHours(-3)),
            new("b", now.AddDays(-1), now.AddHours(-1)),
            new("c", now.AddDays(-1), now.AddHours(-2)),
        ], now);
        Assert.Equal(["old", "a"], evicted.Select(e => e.Key));
    }

    [Fact]
    public void Instructions_follow_the_options()
    {
        Assert.Contains("slowly", new TtsVoiceOptions { Speed = 0.8 }.ToInstructions());
        Assert.Contains("pauses", new TtsVoiceOptions { Pauses = TtsPauses.Long }.ToInstructions());
    }
}
