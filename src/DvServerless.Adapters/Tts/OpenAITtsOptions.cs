namespace DvServerless.Adapters.Tts;

/// <summary>OpenAI speech settings (configuration section <c>OpenAITts</c>).</summary>
public sealed class OpenAITtsOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "OpenAITts";

    /// <summary>The API key (bearer token).</summary>
    public string? ApiKey { get; set; }

    /// <summary>The API base address.</summary>
    public Uri BaseUrl { get; set; } = new("https://api.openai.com");

    /// <summary>The model when a request names none.</summary>
    public string DefaultModel { get; set; } = "gpt-4o-mini-tts";

    /// <summary>True when a key is set.</summary>
    public bool IsConfigured => !string.IsNullOrWhiteSpace(ApiKey);
}
