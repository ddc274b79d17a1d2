namespace DvServerless.Core.Engines;

/// <summary>
/// What an engine used, the basis of a call's cost: for the Realtime engine the tokens of every <c>response.done</c> and
/// every input-audio transcription (PROTOCOL §1.10), summed. Cached input tokens are a subset of the input tokens.
/// </summary>
public sealed record EngineUsage
{
    /// <summary>Finished responses counted.</summary>
    public int Responses { get; init; }

    /// <summary>Input text tokens.</summary>
    public long InputTextTokens { get; init; }

    /// <summary>Input audio tokens.</summary>
    public long InputAudioTokens { get; init; }

    /// <summary>Cached input tokens (part of the input tokens).</summary>
    public long CachedInputTokens { get; init; }

    /// <summary>Output text tokens.</summary>
    public long OutputTextTokens { get; init; }

    /// <summary>Output audio tokens.</summary>
    public long OutputAudioTokens { get; init; }

    /// <summary>Tokens billed for input-audio transcription (token-based models).</summary>
    public long TranscriptionTokens { get; init; }

    /// <summary>Seconds billed for input-audio transcription (duration-based models).</summary>
    public double TranscriptionSeconds { get; init; }

    /// <summary>Characters sent to a text-to-speech service billed by character (cascaded engines, greetings).</summary>
    public long TtsCharacters { get; init; }

    /// <summary>The sum of two usages.</summary>
    public EngineUsage Add(EngineUsage other) => new()
    {
        Responses = Responses + other.Responses,
        InputTextTokens = InputTextTokens + other.InputTextTokens,
        InputAudioTokens = InputAudioTokens + other.InputAudioTokens,
        CachedInputTokens = CachedInputTokens + other.CachedInputTokens,
        OutputTextTokens = OutputTextTokens + other.OutputTextTokens,
        OutputAudioTokens = OutputAudioTokens + other.OutputAudioTokens,
        TranscriptionTokens = TranscriptionTokens + other.TranscriptionTokens,
        TranscriptionSeconds = TranscriptionSeconds + other.TranscriptionSeconds,
        TtsCharacters = TtsCharacters + other.TtsCharacters,
    };
}
