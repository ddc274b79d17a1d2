namespace DvServerless.Core.Speech;

/// <summary>What one recognition listens for. Providers use what they support and ignore the rest.</summary>
public sealed record SpeechRecognitionOptions
{
    /// <summary>The call the recognition serves (for logs).</summary>
    public string CallId { get; init; } = "";

    /// <summary>The provider model; null for the provider's default.</summary>
    public string? Model { get; init; }

    /// <summary>BCP-47 language (<c>en-US</c>, <c>ko</c>).</summary>
    public string Language { get; init; } = "en-US";

    /// <summary>Whether interim results (<see cref="SpeechPartial"/>) are wanted.</summary>
    public bool InterimResults { get; init; } = true;

    /// <summary>Silence that ends a turn, in milliseconds.</summary>
    public int EndpointingMs { get; init; } = 500;

    /// <summary>Words to boost (product names, people's names).</summary>
    public IReadOnlyList<string> Keywords { get; init; } = [];

    /// <summary>Punctuation and formatting of numbers, dates and the like.</summary>
    public bool SmartFormat { get; init; } = true;

    /// <summary>Speaker labels, where the provider offers them.</summary>
    public bool Diarize { get; init; }

    /// <summary>Masks profanity in the text.</summary>
    public bool ProfanityFilter { get; init; }

    /// <summary>Asks for sentiment per segment, where the provider offers it.</summary>
    public bool Sentiment { get; init; }
}
