using System.Globalization;

namespace DvServerless.Core.Tts;

/// <summary>
/// Single voice values an agent sets over its preset (<c>Agent:VoiceOptions:Speed=1.1</c>); a value left out keeps the
/// preset's (or the default's). Bound from configuration, so every value is optional.
/// </summary>
public sealed class VoiceOptionOverrides
{
    /// <summary>0–1, see <see cref="TtsVoiceOptions.Stability"/>.</summary>
    public double? Stability { get; set; }

    /// <summary>0–1, see <see cref="TtsVoiceOptions.SimilarityBoost"/>.</summary>
    public double? SimilarityBoost { get; set; }

    /// <summary>0–1, see <see cref="TtsVoiceOptions.Style"/>.</summary>
    public double? Style { get; set; }

    /// <summary>0.7–1.2, see <see cref="TtsVoiceOptions.Speed"/>.</summary>
    public double? Speed { get; set; }

    /// <summary>See <see cref="TtsVoiceOptions.Pauses"/>.</summary>
    public TtsPauses? Pauses { get; set; }

    /// <summary>See <see cref="TtsVoiceOptions.UseSpeakerBoost"/>.</summary>
    public bool? UseSpeakerBoost { get; set; }

    /// <summary>See <see cref="TtsVoiceOptions.Breathing"/>.</summary>
    public bool? Breathing { get; set; }

    /// <summary>See <see cref="TtsVoiceOptions.Fillers"/>.</summary>
    public bool? Fillers { get; set; }

    /// <summary>See <see cref="TtsVoiceOptions.Exclamations"/>.</summary>
    public bool? Exclamations { get; set; }

    /// <summary>0–1, see <see cref="TtsVoiceOptions.EmotionalRange"/>.</summary>
    public double? EmotionalRange { get; set; }

    /// <summary>0–1, see <see cref="TtsVoiceOptions.SpeechVariation"/>.</summary>
    public double? SpeechVariation { get; set; }

    /// <summary>See <see cref="TtsVoiceOptions.Language"/>.</summary>
    public string? Language { get; set; }

    /// <summary>Whether any value is set.</summary>
    public bool IsEmpty =>
        Stability is null && SimilarityBoost is null && Style is null && Speed is null && Pauses is null && UseSpeakerBoost is null
        && Breathing is null && Fillers is null && Exclamations is null && EmotionalRange is null && SpeechVariation is null
        && string.IsNullOrWhiteSpace(Language);

    /// <summary>A copy that can be bound or changed without touching this one.</summary>
    public VoiceOptionOverrides Clone() => (VoiceOptionOverrides)MemberwiseClone();

    /// <summary><paramref name="baseline"/> with every value set here put over it.</summary>
    public TtsVoiceOptions ApplyTo(TtsVoiceOptions baseline)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        return baseline with
        {
            Stability = Stability ?? baseline.Stability,
            SimilarityBoost = SimilarityBoost ?? baseline.SimilarityBoost,
            Style = Style ?? baseline.Style,
            Speed = Speed ?? baseline.Speed,
            Pauses = Pauses ?? baseline.Pauses,
            UseSpeakerBoost = UseSpeakerBoost ?? baseline.UseSpeakerBoost,
            Breathing = Breathing ?? baseline.Breathing,
            Fillers = Fillers ?? baseline.Fillers,
            Exclamations = Exclamations ?? baseline.Exclamations,
            EmotionalRange = EmotionalRange ?? baseline.EmotionalRange,
            SpeechVariation = SpeechVariation ?? baseline.SpeechVariation,
            Language = string.IsNullOrWhiteSpace(Language) ? baseline.Language : Language.Trim(),
        };
    }

    /// <summary>
    /// What is out of range, one message per value naming its setting under <paramref name="section"/>
    /// (e.g. <c>Agent:VoiceOptions</c>); empty when every value is usable.
    /// </summary>
    public IReadOnlyList<string> Problems(string section)
    {
        var problems = new List<string>();
        Check(problems, section, nameof(Stability), Stability, 0, 1);
        Check(problems, section, nameof(SimilarityBoost), SimilarityBoost, 0, 1);
        Check(problems, section, nameof(Style), Style, 0, 1);
        Check(problems, section, nameof(Speed), Speed, 0.7, 1.2);
        Check(problems, section, nameof(EmotionalRange), EmotionalRange, 0, 1);
        Check(problems, section, nameof(SpeechVariation), SpeechVariation, 0, 1);
        if (Pauses is { } pauses && !Enum.IsDefined(pauses))
        {
            problems.Add($"{section}:{nameof(Pauses)} must be one of {string.Join(", ", Enum.GetNames<TtsPauses>())}.");
        }

        return problems;
    }

    private static void Check(List<string> problems, string section, string name, double? value, double min, double max)
    {
        if (value is { } v && (double.IsNaN(v) || v < min || v > max))
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"{section}:{name} must be between {min} and {max} (was {v})."));
        }
    }
}
