using System.Globalization;
using System.Text;

namespace DvServerless.Core.Tts;

/// <summary>
/// The human-voice options: how steady, expressive, fast and paused a voice sounds. ElevenLabs takes them as
/// <c>voice_settings</c>; OpenAI TTS takes <see cref="ToInstructions"/>; espeak-ng maps speed.
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

    /// <summary>The options with every value clamped to its range.</summary>
    public TtsVoiceOptions Clamped() => this with
    {
        Stability = Math.Clamp(Stability, 0, 1),
        SimilarityBoost = Math.Clamp(SimilarityBoost, 0, 1),
        Style = Math.Clamp(Style, 0, 1),
        Speed = Math.Clamp(Speed, 0.7, 1.2),
    };

    /// <summary>A canonical, culture-independent text of the options for cache keys (values rounded to 3 decimals).</summary>
    public string ToCanonicalString()
    {
        var o = Clamped();
        return string.Create(CultureInfo.InvariantCulture,
            $"stability={o.Stability:0.###};similarity={o.SimilarityBoost:0.###};style={o.Style:0.###};speed={o.Speed:0.###};pauses={o.Pauses.ToString().ToLowerInvariant()};boost={(o.UseSpeakerBoost ? 1 : 0)}");
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
        return text.ToString();
    }
}
