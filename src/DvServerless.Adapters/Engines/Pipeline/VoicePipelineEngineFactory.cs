using DvServerless.Core.Engines;
using Microsoft.Extensions.Logging;

namespace DvServerless.Adapters.Engines.Pipeline;

/// <summary>Hands out the engines of another factory wrapped with a voice pipeline's hooks and audio filters.</summary>
internal sealed class VoicePipelineEngineFactory(IConversationEngineFactory inner, VoicePipelineHooks hooks, ILogger logger) : IConversationEngineFactory
{
    /// <summary>The factory whose engines are decorated.</summary>
    public IConversationEngineFactory Inner => inner;

    public IConversationEngine Create(string callId, AgentOptions agent) =>
        new HookedConversationEngine(inner.Create(callId, agent), callId, agent, hooks, logger);
}
