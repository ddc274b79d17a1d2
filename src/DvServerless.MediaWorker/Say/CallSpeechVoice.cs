using DvServerless.Adapters.Engines.Cascaded;
using DvServerless.Core.Engines;
using DvServerless.Core.Tts;

namespace DvServerless.MediaWorker.Say;

/// <summary>
/// Which provider, voice, model and voice options speak the worker's own words on a call (a <c>say</c>, a tool's filler,
/// the drain goodbye): those of the agent the call runs, so the caller hears one voice.
/// </summary>
/// <remarks>
/// <para>
/// The default agent's calls speak with the TTS warm-up's default provider and voice and the default agent's voice
/// options (<see cref="Adapters.Tts.TtsWarmupOptions"/>), as the greeting does, so they share its cache entries.
/// </para>
/// <para>
/// A named agent's calls (<c>Agents:{id}:*</c>) speak with that agent's voice options (<c>VoicePreset</c>,
/// <c>VoiceOptions:*</c>), and with its voice: a cascaded or offline agent with the provider, voice and model its
/// engine speaks with; a Realtime agent with its <c>Voice</c> when that differs from the default agent's and the default
/// provider is OpenAI TTS (a Realtime voice is an OpenAI voice, which espeak-ng and ElevenLabs do not have), else with the
/// default voice. A voice the request names replaces the voice only: provider and options stay the agent's.
/// </para>
/// </remarks>
public static class CallSpeechVoice
{
    /// <summary>The prompt name a call's injected speech is cached under.</summary>
    public const string PromptName = "say";

    private const string OpenAIProvider = "openai";

    /// <summary>
    /// The prompt for <paramref name="text"/> on a call of <paramref name="agent"/> (null: the default agent), with
    /// <paramref name="requestedVoice"/> when the request names one. Members left null take the warm-up's defaults
    /// (<see cref="Adapters.Tts.TtsServiceCollectionExtensions.RequestOf"/>), as every cached prompt does.
    /// </summary>
    public static TtsPrompt Prompt(string text, string? requestedVoice, AgentOptions? agent, AgentOptions defaultAgent, string defaultProvider)
    {
        ArgumentNullException.ThrowIfNull(defaultAgent);
        var requested = string.IsNullOrWhiteSpace(requestedVoice) ? null : requestedVoice.Trim();
        if (agent is null)
        {
            return new TtsPrompt(PromptName, text, requested);
        }

        var options = agent.EffectiveVoiceOptions();
        if (string.Equals(agent.Engine, EngineKinds.Cascaded, StringComparison.OrdinalIgnoreCase)
            || string.Equals(agent.Engine, EngineKinds.Offline, StringComparison.OrdinalIgnoreCase))
        {
            // The parts the agent's engine speaks with (CascadedEngine: TtsVoice, else the agent's Voice).
            var parts = string.Equals(agent.Engine, EngineKinds.Offline, StringComparison.OrdinalIgnoreCase)
                ? CascadedEngineFactory.OfflineParts(agent.Cascaded)
                : agent.Cascaded;
            var voice = requested ?? (string.IsNullOrWhiteSpace(parts.TtsVoice) ? agent.Voice : parts.TtsVoice);
            return new TtsPrompt(PromptName, text, voice, parts.Tts, parts.TtsModel, options);
        }

        var ownVoice = !string.Equals(agent.Voice, defaultAgent.Voice, StringComparison.OrdinalIgnoreCase)
            && string.Equals(defaultProvider, OpenAIProvider, StringComparison.OrdinalIgnoreCase)
            ? agent.Voice
            : null;
        return new TtsPrompt(PromptName, text, requested ?? ownVoice, Options: options);
    }
}
