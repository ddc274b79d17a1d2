using System.Globalization;
using System.Text;

namespace DvServerless.Core.Tts;

/// <summary>
/// The human-voice options: how steady, expressive, fast and paused a voice sounds, and the human cues (breaths, fillers,
/// exclamations, emotional range, variation in pitch and pace). ElevenLabs takes stability, similarity, style, speed and
/// speaker boost as <c>voice_settings</c> (it has no setting for the cues); instruction-following voices (OpenAI
/// <c>gpt-4o-mini-tts</c>, the Realtime models) take all of it as <see cref="ToInstructions"/>; espeak-ng maps speed.
/// Presets: <see cref="VoicePresets"/>.
/// </summary>
public sealed record TtsVoiceOptions
{
    /// <summary>The defaults (ElevenLabs' own defaults for stability and similarity).</summary>
    public static TtsVoiceOptions Default { get; } = new();

    /// <summary>0–1: low is more varied and emotional, high is steadier and more monotone.</summary>
    public double Stability { get; init; } = 0.5;

    /// <summary>0–1: how closely to stick to the original voice.</summary>
    public double SimilarityBoost { get; init; } = 0.75;

    /// <summary>0–1: how much to exaggerate the speaker's style.</summary>
    public double Style { get; init; }

    /// <summary>0.7–1.2 speaking-rate multiplier.</summary>
    public double Speed { get; init; } = 1.0;

    /// <summary>Pauses between sentences.</summary>
    public TtsPauses Pauses { get; init; } = TtsPauses.Natural;

    /// <summary>ElevenLabs' speaker boost (closer to the original speaker, a little slower).</summary>
    public bool UseSpeakerBoost { get; init; } = true;

    /// <summary>Audible breaths between phrases, as a person on the phone takes them.</summary>
    public bool Breathing { get; init; }

    /// <summary>Light fillers (“um”, “let me see”; in Korean “음”, “그러니까”) where a person would think aloud.</summary>
    public bool Fillers { get; init; }

    /// <summary>Short exclamations where they fit (“Oh!”, “Great!”; in Korean “아!”, “좋아요!”).</summary>
    public bool Exclamations { get; init; }

    /// <summary>0–1: how far the voice follows the feeling of what is said, from reserved to fully emotional.</summary>
    public double EmotionalRange { get; init; } = 0.5;

    /// <summary>0–1: how much pitch and pace vary from sentence to sentence, from even to lively.</summary>
    public double SpeechVariation { get; init; } = 0.5;

    /// <summary>
    /// The language the voice speaks (a BCP 47 tag such as <c>ko-KR</c>), which the spoken-style instructions are written
    /// for; null when the agent's instructions decide.
    /// </summary>
    public string? Language { get; init; }

    /// <summary>The options with every value clamped to its range.</summary>
    public TtsVoiceOptions Clamped() => this with
    {
        Stability = Math.Clamp(Stability, 0, 1),
        SimilarityBoost = Math.Clamp(SimilarityBoost, 0, 1),
        Style = Math.Clamp(Style, 0, 1),
        Speed = Math.Clamp(Speed, 0.7, 1.2),
        EmotionalRange = Math.Clamp(EmotionalRange, 0, 1),
        SpeechVariation = Math.Clamp(SpeechVariation, 0, 1),
    };

    /// <summary>
    /// A canonical, culture-independent text of the options for cache keys (values rounded to 3 decimals). The human cues
    /// and the language are appended only when they differ from the defaults, so audio cached before they existed keeps
    /// its key.
    /// </summary>
    public string ToCanonicalString()
    {
        var o = Clamped();
        var text = new StringBuilder(string.Create(CultureInfo.InvariantCulture,
            $"stability={o.Stability:0.###};similarity={o.SimilarityBoost:0.###};style={o.Style:0.###};speed={o.Speed:0.###};pauses={o.Pauses.ToString().ToLowerInvariant()};boost={(o.UseSpeakerBoost ? 1 : 0)}"));
        if (o.Breathing || o.Fillers || o.Exclamations || o.EmotionalRange != Default.EmotionalRange || o.SpeechVariation != Default.SpeechVariation)
        {
            text.Append(CultureInfo.InvariantCulture,
                $";breathing={(o.Breathing ? 1 : 0)};fillers={(o.Fillers ? 1 : 0)};exclamations={(o.Exclamations ? 1 : 0)};emotion={o.EmotionalRange:0.###};variation={o.SpeechVariation:0.###}");
        }

        if (!string.IsNullOrWhiteSpace(o.Language))
        {
            text.Append(";language=").Append(o.Language.Trim().ToLowerInvariant());
        }

        return text.ToString();
    }

    /// <summary>Spoken-style instructions for instruction-following TTS (OpenAI <c>gpt-4o-mini-tts</c>).</summary>
    public string ToInstructions()
    {
        var o = Clamped();
        var text = new StringBuilder("Speak as a friendly, natural phone agent.");
        text.Append(o.Stability switch
        {
            < 0.35 => " Be expressive, with lively, varied intonation.",
            > 0.7 => " Keep a steady, even, composed tone.",
            _ => " Use a balanced, conversational tone.",
        });
        if (o.Style >= 0.5)
        {
            text.Append(" Lean into a distinctive, animated delivery.");
        }
        else if (o.Style >= 0.2)
        {
            text.Append(" Add a little warmth and personality.");
        }

        text.Append(o.Speed switch
        {
            < 0.9 => " Speak slowly and clearly.",
            > 1.1 => " Speak briskly.",
            _ => " Speak at a natural pace.",
        });
        text.Append(o.Pauses switch
        {
            TtsPauses.Short => " Keep pauses between sentences short.",
            TtsPauses.Long => " Leave clear, calm pauses between sentences.",
            _ => string.Empty,
        });
        text.Append(o.EmotionalRange switch
        {
            < 0.3 => " Keep emotion reserved and professional.",
            > 0.7 => " Let your feelings show fully: sound genuinely pleased, sorry or concerned as the moment calls for.",
            _ => string.Empty,
        });
        text.Append(o.SpeechVariation switch
        {
            < 0.3 => " Keep pitch and pace even from sentence to sentence.",
            > 0.7 => " Vary pitch and pace from sentence to sentence, as people do in lively conversation.",
            _ => string.Empty,
        });
        var korean = o.Language?.StartsWith("ko", StringComparison.OrdinalIgnoreCase) == true;
        if (o.Breathing)
        {
            text.Append(" Take a soft, audible breath now and then between phrases.");
        }

        if (o.Fillers)
        {
            text.Append(korean
                ? " Use a light filler such as \"음\" or \"그러니까\" now and then, where a person would think aloud."
                : " Use a light filler such as \"um\" or \"let me see\" now and then, where a person would think aloud.");
        }

        if (o.Exclamations)
        {
            text.Append(korean
                ? " Add a short exclamation such as \"아!\" or \"좋아요!\" where it fits."
                : " Add a short exclamation such as \"Oh!\" or \"Great!\" where it fits.");
        }

        if (korean)
        {
            text.Append(" Speak standard Korean with polite, natural phone manners (해요체).");
        }

        return text.ToString();
    }
}
