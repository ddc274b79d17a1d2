using DvServerless.Adapters.Engines.Cascaded;
using DvServerless.Adapters.Engines.Realtime;
using DvServerless.Core.Engines;
using Microsoft.Extensions.DependencyInjection;

namespace DvServerless.Adapters.Engines;

/// <summary>
/// The engine factory the apps use: each agent's <see cref="AgentOptions.Engine"/> picks the engine for its calls —
/// <c>realtime</c> (<see cref="RealtimeEngineFactory"/>), <c>cascaded</c> (<see cref="CascadedEngineFactory"/> on the
/// agent's parts) or <c>offline</c> (the cascaded engine on pocketsphinx, the offline responder and espeak-ng).
/// </summary>
public sealed class ConversationEngineSelector : IConversationEngineFactory
{
    private readonly IServiceProvider _services;

    /// <summary>Creates the selector; the factories are resolved the first time an agent needs them.</summary>
    public ConversationEngineSelector(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        _services = services;
    }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">The engine is unknown, or a part it needs is not registered.</exception>
    public IConversationEngine Create(string callId, AgentOptions agent)
    {
        ArgumentNullException.ThrowIfNull(agent);
        var engine = string.IsNullOrWhiteSpace(agent.Engine) ? EngineKinds.Realtime : agent.Engine.Trim();
        if (engine.Equals(EngineKinds.Realtime, StringComparison.OrdinalIgnoreCase))
        {
            return Required<RealtimeEngineFactory>("AddRealtimeEngine").Create(callId, agent);
        }

        var cascaded = Required<CascadedEngineFactory>("AddConversationEngines");
        if (engine.Equals(EngineKinds.Cascaded, StringComparison.OrdinalIgnoreCase))
        {
            return cascaded.Create(callId, agent);
        }

        if (engine.Equals(EngineKinds.Offline, StringComparison.OrdinalIgnoreCase))
        {
            var parts = cascaded.ResolveParts(CascadedEngineFactory.OfflineParts(agent.Cascaded), static part =>
                $"Agent__Engine=offline runs on the local speech parts (pocketsphinx, the offline responder, espeak-ng); register them with AddOfflineSpeech ({part}).");
            var offline = agent.Clone();
            offline.Cascaded = CascadedEngineFactory.OfflineParts(agent.Cascaded);
            return cascaded.Create(callId, offline, parts);
        }

        throw new InvalidOperationException($"Agent:Engine '{agent.Engine}' is not an engine; use one of {string.Join(", ", EngineKinds.All)}.");
    }

    private T Required<T>(string registration) where T : notnull =>
        _services.GetService<T>() ?? throw new InvalidOperationException($"{typeof(T).Name} is not registered; call services.{registration}(configuration).");
}
