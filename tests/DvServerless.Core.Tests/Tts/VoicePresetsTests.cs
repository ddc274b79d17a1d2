using DvServerless.Core.Engines;
using DvServerless.Core.Tts;

namespace DvServerless.Core.Tests.Tts;

public sealed class VoicePresetsTests
{
    [Theory]
    [InlineData("ko-KR-warm")]
    [InlineData("ko-KR-calm")]
    [InlineData("en-US-warm")]
    [InlineData("en-US-calm")]
    [InlineData("en-US-brisk")]
    public void Every_preset_is_found_by_name_in_any_case_and_its_values_are_in_range(string name)
    {
        var preset = VoicePresets.Find(name.ToUpperInvariant());

        Assert.NotNull(preset);
        Assert.Equal(preset, preset.Clamped());
        Assert.StartsWith(name[..5], preset.Language, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void The_presets_sound_different_so_no_two_share_a_cache_key()
    {
        var keys = VoicePresets.All.Values.Select(p => p.ToCanonicalString()).ToList();

        Assert.Equal(keys.Count, keys.Distinct(StringComparer.Ordinal).Count());
        Assert.DoesNotContain(TtsVoiceOptions.Default.ToCanonicalString(), keys);
    }

    [Fact]
    public void A_korean_preset_asks_for_korean_fillers_and_manners_and_an_english_one_for_english_fillers()
    {
        var korean = VoicePresets.KoreanWarm.ToInstructions();
        var english = VoicePresets.EnglishWarm.ToInstructions();

        Assert.Contains("그러니까", korean, StringComparison.Ordinal);
        Assert.Contains("해요체", korean, StringComparison.Ordinal);
        Assert.Contains("breath", korean, StringComparison.Ordinal);
        Assert.Contains("let me see", english, StringComparison.Ordinal);
        Assert.DoesNotContain("해요체", english, StringComparison.Ordinal);
        Assert.DoesNotContain("filler", VoicePresets.EnglishBrisk.ToInstructions(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_human_cues_and_language_change_the_cache_key_but_defaults_keep_the_key_audio_was_cached_under()
    {
        const string before = "stability=0.5;similarity=0.75;style=0;speed=1;pauses=natural;boost=1";

        Assert.Equal(before, TtsVoiceOptions.Default.ToCanonicalString());
        var variants = new[]
        {
            TtsVoiceOptions.Default with { Breathing = true },
            TtsVoiceOptions.Default with { Fillers = true },
            TtsVoiceOptions.Default with { Exclamations = true },
            TtsVoiceOptions.Default with { EmotionalRange = 0.9 },
            TtsVoiceOptions.Default with { SpeechVariation = 0.1 },
            TtsVoiceOptions.Default with { Language = "ko-KR" },
        };
        var keys = variants.Select(v => v.ToCanonicalString()).Append(before).ToList();
        Assert.Equal(keys.Count, keys.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void An_agent_with_neither_preset_nor_values_leaves_delivery_to_the_provider()
    {
        Assert.Null(new AgentOptions().EffectiveVoiceOptions());
    }

    [Fact]
    public void Single_values_go_over_the_preset_and_the_rest_of_the_preset_stays()
    {
        var agent = new AgentOptions { VoicePreset = "ko-KR-calm", VoiceOptions = new VoiceOptionOverrides { Speed = 1.1, Fillers = true } };

        var voice = agent.EffectiveVoiceOptions();

        Assert.NotNull(voice);
        Assert.Equal(1.1, voice.Speed);
        Assert.True(voice.Fillers);
        Assert.Equal(VoicePresets.KoreanCalm.Stability, voice.Stability);
        Assert.Equal(TtsPauses.Long, voice.Pauses);
        Assert.Equal("ko-KR", voice.Language);
    }

    [Fact]
    public void Values_without_a_preset_go_over_the_defaults()
    {
        var voice = new AgentOptions { VoiceOptions = new VoiceOptionOverrides { Stability = 0.2 } }.EffectiveVoiceOptions();

        Assert.Equal(TtsVoiceOptions.Default with { Stability = 0.2 }, voice);
    }

    [Fact]
    public void A_cloned_agent_binds_its_own_values_without_changing_the_agent_it_came_from()
    {
        var original = new AgentOptions { VoiceOptions = new VoiceOptionOverrides { Speed = 0.9 } };

        var copy = original.Clone();
        copy.VoiceOptions.Speed = 1.2;

        Assert.Equal(0.9, original.VoiceOptions.Speed);
    }

    [Fact]
    public void Out_of_range_values_are_named_with_their_setting()
    {
        var overrides = new VoiceOptionOverrides { Speed = 2, EmotionalRange = -0.1, Stability = 0.5 };

        var problems = overrides.Problems("Agents:sales:VoiceOptions");

        Assert.Equal(2, problems.Count);
        Assert.Contains(problems, p => p.StartsWith("Agents:sales:VoiceOptions:Speed must be between 0.7 and 1.2", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Agents:sales:VoiceOptions:EmotionalRange", StringComparison.Ordinal));
    }
}
