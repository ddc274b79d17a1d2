using DvServerless.Adapters.Engines.Cascaded;
using DvServerless.Core.Engines;
using Microsoft.Extensions.Logging;

namespace DvServerless.Adapters.Engines.Pipeline;

/// <summary>Creates cascaded engines on a voice pipeline's own parts, with its model and voice over the agent's.</summary>
internal sealed class PipelinePartsFactory(
    CascadedEngineParts parts,
    string? model,
    string? voice,
    CascadedEngineOptions options,
    ILoggerFactory loggerFactory,
    TimeProvider timeProvider) : IConversationEngineFactory
{
    public IConversationEngine Create(string callId, AgentOptions agent)
    {
        ArgumentNullException.ThrowIfNull(agent);
        var configured = agent.Clone();
        configured.Cascaded.Stt = parts.SpeechToText.Provider;
        configured.Cascaded.Llm = parts.ChatProvider;
        configured.Cascaded.Tts = parts.TextToSpeech.Provider;
        if (!string.IsNullOrWhiteSpace(model))
        {
            configured.Cascaded.LlmModel = model;
        }

        if (!string.IsNullOrWhiteSpace(voice))
        {
            configured.Cascaded.TtsVoice = voice;
        }

        return new CascadedEngine(callId, configured, parts, options, loggerFactory.CreateLogger<CascadedEngine>(), timeProvider);
    }
}
