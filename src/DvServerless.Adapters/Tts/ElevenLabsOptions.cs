namespace DvServerless.Adapters.Tts;

/// <summary>ElevenLabs settings (configuration section <c>ElevenLabs</c>); with no <see cref="ApiKey"/> cloning is pending and ElevenLabs TTS refuses.</summary>
public sealed class ElevenLabsOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "ElevenLabs";

    /// <summary>The API key, sent as <c>xi-api-key</c> (from Key Vault or user secrets, never in code).</summary>
    public string? ApiKey { get; set; }

    /// <summary>The API base address.</summary>
    public Uri BaseUrl { get; set; } = new("https://api.elevenlabs.io");

    /// <summary>The TTS model when a request names none.</summary>
    public string DefaultModel { get; set; } = "eleven_multilingual_v2";

    /// <summary>True when a key is set.</summary>
    public bool IsConfigured => !string.IsNullOrWhiteSpace(ApiKey);
}
