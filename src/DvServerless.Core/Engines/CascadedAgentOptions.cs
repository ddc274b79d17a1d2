namespace DvServerless.Core.Engines;

/// <summary>
/// The parts of a cascaded agent (<c>Agent:Cascaded:*</c>): which speech-to-text, language model and text-to-speech
/// provider it uses and how. The agent's <see cref="AgentOptions.Instructions"/> are the system prompt and
/// <see cref="AgentOptions.Voice"/> the TTS voice, unless <see cref="TtsVoice"/> overrides it.
/// </summary>
public sealed class CascadedAgentOptions
{
    /// <summary>Speech-to-text provider: <c>deepgram</c>, <c>openai</c> (Realtime transcription session) or <c>pocketsphinx</c>.</summary>
    public string Stt { get; set; } = "deepgram";

    /// <summary>Speech-to-text model; null for the provider's default.</summary>
    public string? SttModel { get; set; }

    /// <summary>Language of the caller (BCP-47).</summary>
    public string Language { get; set; } = "en-US";

    /// <summary>Silence that ends the caller's turn, in milliseconds.</summary>
    public int EndpointingMs { get; set; } = 500;

    /// <summary>Language model provider: <c>openai</c>, <c>azureopenai</c>, <c>anthropic</c>, <c>ollama</c> or <c>offline</c>.</summary>
    public string Llm { get; set; } = "openai";

    /// <summary>Language model (or Azure deployment) name.</summary>
    public string LlmModel { get; set; } = "gpt-4o-mini";

    /// <summary>Most tokens in one answer.</summary>
    public int MaxOutputTokens { get; set; } = 300;

    /// <summary>Text-to-speech provider: <c>elevenlabs</c>, <c>openai</c> or <c>espeak</c>.</summary>
    public string Tts { get; set; } = "openai";

    /// <summary>Text-to-speech model; null for the provider's default.</summary>
    public string? TtsModel { get; set; }

    /// <summary>Voice for the TTS provider; null to use the agent's <see cref="AgentOptions.Voice"/>.</summary>
    public string? TtsVoice { get; set; }

    /// <summary>A copy whose settings can be changed without touching this one.</summary>
    public CascadedAgentOptions Clone() => (CascadedAgentOptions)MemberwiseClone();
}
