namespace DvServerless.Core.Tts;

/// <summary>
/// Named voice option sets an agent picks with <c>Agent:VoicePreset</c>: warm and calm voices for Korean and English, and a
/// brisk English one. Each is a whole <see cref="TtsVoiceOptions"/>; <c>Agent:VoiceOptions:*</c> overrides single values.
/// </summary>
public static class VoicePresets
{
    /// <summary>Korean, friendly and expressive: breaths, light fillers and exclamations, a little slower than default.</summary>
    public static TtsVoiceOptions KoreanWarm { get; } = new()
    {
        Stability = 0.4, SimilarityBoost = 0.8, Style = 0.3, Speed = 0.95, Pauses = TtsPauses.Natural,
        Breathing = true, Fillers = true, Exclamations = true, EmotionalRange = 0.7, SpeechVariation = 0.6, Language = "ko-KR",
    };

    /// <summary>Korean, steady and reassuring: no fillers or exclamations, long pauses, slow.</summary>
    public static TtsVoiceOptions KoreanCalm { get; } = new()
    {
        Stability = 0.75, SimilarityBoost = 0.8, Style = 0.1, Speed = 0.9, Pauses = TtsPauses.Long,
        Breathing = true, EmotionalRange = 0.3, SpeechVariation = 0.25, Language = "ko-KR",
    };

    /// <summary>English, friendly and expressive.</summary>
    public static TtsVoiceOptions EnglishWarm { get; } = new()
    {
        Stability = 0.4, SimilarityBoost = 0.8, Style = 0.3, Speed = 1.0, Pauses = TtsPauses.Natural,
        Breathing = true, Fillers = true, Exclamations = true, EmotionalRange = 0.7, SpeechVariation = 0.6, Language = "en-US",
    };

    /// <summary>English, steady and reassuring.</summary>
    public static TtsVoiceOptions EnglishCalm { get; } = new()
    {
        Stability = 0.75, SimilarityBoost = 0.8, Style = 0.1, Speed = 0.92, Pauses = TtsPauses.Long,
        Breathing = true, EmotionalRange = 0.3, SpeechVariation = 0.25, Language = "en-US",
    };

    /// <summary>English, quick and to the point: short pauses, no fillers.</summary>
    public static TtsVoiceOptions EnglishBrisk { get; } = new()
    {
        Stability = 0.6, SimilarityBoost = 0.75, Style = 0.15, Speed = 1.12, Pauses = TtsPauses.Short,
        EmotionalRange = 0.4, SpeechVariation = 0.45, Language = "en-US",
    };

    /// <summary>Every preset by name (<c>ko-KR-warm</c>, <c>ko-KR-calm</c>, <c>en-US-warm</c>, <c>en-US-calm</c>, <c>en-US-brisk</c>).</summary>
    public static IReadOnlyDictionary<string, TtsVoiceOptions> All { get; } = new Dictionary<string, TtsVoiceOptions>(StringComparer.OrdinalIgnoreCase)
    {
        ["ko-KR-warm"] = KoreanWarm,
        ["ko-KR-calm"] = KoreanCalm,
        ["en-US-warm"] = EnglishWarm,
        ["en-US-calm"] = EnglishCalm,
        ["en-US-brisk"] = EnglishBrisk,
    };

    /// <summary>
    /// How a voice configured by <paramref name="preset"/> and <paramref name="overrides"/> sounds: the preset with the
    /// single values over it (over the defaults without a preset), clamped; null when neither is set, which leaves
    /// delivery to the provider.
    /// </summary>
    public static TtsVoiceOptions? Resolve(string? preset, VoiceOptionOverrides overrides)
    {
        ArgumentNullException.ThrowIfNull(overrides);
        var named = Find(preset);
        return named is null && overrides.IsEmpty ? null : overrides.ApplyTo(named ?? TtsVoiceOptions.Default).Clamped();
    }

    /// <summary>The preset called <paramref name="name"/> (case-insensitive), or null when there is none.</summary>
    public static TtsVoiceOptions? Find(string? name) =>
        !string.IsNullOrWhiteSpace(name) && All.TryGetValue(name.Trim(), out var preset) ? preset : null;
}
