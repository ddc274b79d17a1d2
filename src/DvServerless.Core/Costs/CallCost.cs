using DvServerless.Core.Engines;

namespace DvServerless.Core.Costs;

/// <summary>
/// The running cost of one call: each <see cref="EngineUsage"/> report priced with <see cref="PricingOptions"/> and
/// summed. Not thread-safe: one call's reports arrive in order on one task.
/// </summary>
public sealed class CallCost
{
    private const decimal Million = 1_000_000m;

    private readonly PricingOptions _pricing;
    private readonly string? _transcriptionModel;
    private readonly HashSet<string> _unpriced = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Counts with <paramref name="pricing"/>. Transcription reported by a model that has no transcription price of its own
    /// (a Realtime session transcribing its input) is priced as <paramref name="transcriptionModel"/>.
    /// </summary>
    public CallCost(PricingOptions pricing, string? transcriptionModel = null)
    {
        ArgumentNullException.ThrowIfNull(pricing);
        _pricing = pricing;
        _transcriptionModel = transcriptionModel;
    }

    /// <summary>The cost so far, in US dollars.</summary>
    public decimal TotalUsd { get; private set; }

    /// <summary>Everything used so far.</summary>
    public EngineUsage Usage { get; private set; } = new();

    /// <summary>Models reported that have no price (their usage counted 0).</summary>
    public IReadOnlyCollection<string> UnpricedModels => _unpriced;

    /// <summary>Adds one report; returns what it cost.</summary>
    public decimal Add(EngineUsage usage, string model)
    {
        ArgumentNullException.ThrowIfNull(usage);
        Usage = Usage.Add(usage);
        var cost = 0m;
        var prices = _pricing.For(model);
        if (prices is null && (usage.InputTextTokens | usage.InputAudioTokens | usage.OutputTextTokens | usage.OutputAudioTokens | usage.TtsCharacters) != 0)
        {
            _unpriced.Add(model);
        }
        else if (prices is not null)
        {
            cost += TokenCost(usage, prices) + usage.TtsCharacters * prices.TtsPerMillionCharacters / Million;
        }

        if (usage.TranscriptionTokens > 0 || usage.TranscriptionSeconds > 0)
        {
            var transcription = prices is { PricesTranscription: true } ? prices : _pricing.For(_transcriptionModel);
            if (transcription is null)
            {
                _unpriced.Add(_transcriptionModel ?? "transcription");
            }
            else
            {
                cost += usage.TranscriptionTokens * transcription.TranscriptionPerMillionTokens / Million
                    + (decimal)usage.TranscriptionSeconds / 60m * transcription.TranscriptionPerMinute;
            }
        }

        TotalUsd += cost;
        return cost;
    }

    /// <summary>
    /// The token part. Usage reports cached input tokens as one number within the input: it is split between text and
    /// audio in proportion to their input tokens, then billed at the cached prices.
    /// </summary>
    private static decimal TokenCost(EngineUsage usage, ModelPrices prices)
    {
        var input = usage.InputTextTokens + usage.InputAudioTokens;
        var cached = Math.Min(usage.CachedInputTokens, input);
        var cachedText = input == 0 ? 0 : (decimal)cached * usage.InputTextTokens / input;
        var cachedAudio = cached - cachedText;
        return ((usage.InputTextTokens - cachedText) * prices.TextInputPerMillion
            + cachedText * prices.CachedTextInputPerMillion
            + (usage.InputAudioTokens - cachedAudio) * prices.AudioInputPerMillion
            + cachedAudio * prices.CachedAudioInputPerMillion
            + usage.OutputTextTokens * prices.TextOutputPerMillion
            + usage.OutputAudioTokens * prices.AudioOutputPerMillion) / Million;
    }
}
