namespace DvServerless.Core.Costs;

/// <summary>
/// The price table a call's cost is counted with (configuration section <c>Pricing</c>, e.g.
/// <c>Pricing__Models__gpt-realtime__AudioOutputPerMillion=64</c>). A model is priced by the longest entry its name starts
/// with, so <c>gpt-realtime</c> also prices the dated snapshots <c>gpt-realtime-2025-08-28</c>; an Azure deployment name
/// needs its own entry. A model with no entry costs nothing (and is logged once by the worker).
/// </summary>
public sealed class PricingOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Pricing";

    /// <summary>Prices by model name (or name prefix), case-insensitive. Configuration adds to and overrides <see cref="Defaults"/>.</summary>
    public Dictionary<string, ModelPrices> Models { get; init; } = Defaults();

    /// <summary>
    /// The published OpenAI list prices, as read on the model pages of developers.openai.com on 2026-12-05 (text and
    /// audio tokens per 1M). Transcription: the <c>gpt-4o-mini-transcribe</c> audio input price applied to all of its
    /// tokens, and <c>whisper-1</c> per minute; speech: <c>tts-1</c> per character. Other providers (a speech-to-text
    /// service per minute, a text-to-speech service per character, a chat model per token) are priced by adding their
    /// model names here. Check the defaults against your own agreement; configuration wins.
    /// </summary>
    public static Dictionary<string, ModelPrices> Defaults() => new(StringComparer.OrdinalIgnoreCase)
    {
        ["gpt-realtime"] = new()
        {
            TextInputPerMillion = 4.00m,
            CachedTextInputPerMillion = 0.40m,
            TextOutputPerMillion = 16.00m,
            AudioInputPerMillion = 32.00m,
            CachedAudioInputPerMillion = 0.40m,
            AudioOutputPerMillion = 64.00m,
        },
        ["gpt-realtime-mini"] = new()
        {
            TextInputPerMillion = 0.60m,
            CachedTextInputPerMillion = 0.06m,
            TextOutputPerMillion = 2.40m,
            AudioInputPerMillion = 10.00m,
            CachedAudioInputPerMillion = 0.30m,
            AudioOutputPerMillion = 20.00m,
        },
        ["gpt-4o-mini-transcribe"] = new() { TranscriptionPerMillionTokens = 3.00m },
        ["gpt-4o-transcribe"] = new() { TranscriptionPerMillionTokens = 6.00m },
        ["whisper-1"] = new() { TranscriptionPerMinute = 0.006m },
        ["tts-1"] = new() { TtsPerMillionCharacters = 15.00m },
        ["tts-1-hd"] = new() { TtsPerMillionCharacters = 30.00m },
    };

    /// <summary>The prices of <paramref name="model"/>: the entry with the longest name it starts with; null when none.</summary>
    public ModelPrices? For(string? model)
    {
        if (string.IsNullOrEmpty(model))
        {
            return null;
        }

        ModelPrices? best = null;
        var bestLength = -1;
        foreach (var (name, prices) in Models)
        {
            if (name.Length > bestLength && model.StartsWith(name, StringComparison.OrdinalIgnoreCase))
            {
                best = prices;
                bestLength = name.Length;
            }
        }

        return best;
    }
}
