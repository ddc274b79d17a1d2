using DvServerless.Core.Tts;

namespace DvServerless.Adapters.Tts;

/// <summary>Prompt-cache warm-up settings (configuration section <c>TtsWarmup</c>; the timer reads <c>%TtsWarmup__Schedule%</c>).</summary>
public sealed class TtsWarmupOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "TtsWarmup";

    /// <summary>The NCRONTAB schedule (six fields, seconds first) of the timer function and the local background loop.</summary>
    public string Schedule { get; set; } = "0 0 */6 * * *";

    /// <summary>The provider for prompts that name none.</summary>
    public string DefaultProvider { get; set; } = "espeak";

    /// <summary>The voice for prompts that name none.</summary>
    public string DefaultVoice { get; set; } = "en-us";

    /// <summary>The leg rate for prompts that name none.</summary>
    public int DefaultSampleRate { get; set; } = 24_000;

    /// <summary>
    /// The voice options for prompts that set none: the default agent's <c>Agent:VoicePreset</c> and
    /// <c>Agent:VoiceOptions:*</c>, filled at start, so the greeting, a said line and the warm-up speak as the agent does
    /// and share cache keys; null when the agent sets neither.
    /// </summary>
    public TtsVoiceOptions? AgentVoiceOptions { get; set; }

    /// <summary>Prompt lists by tenant; a Blob <c>tts-cache/prompts/{tenant}.json</c> (a JSON array of prompts) adds to them.</summary>
    public Dictionary<string, List<TtsPrompt>> Tenants { get; set; } = new(StringComparer.Ordinal);
}
