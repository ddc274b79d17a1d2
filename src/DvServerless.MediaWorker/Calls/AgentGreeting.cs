using DvServerless.Core.Engines;

namespace DvServerless.MediaWorker.Calls;

/// <summary>
/// The agent's opening words: one <c>response.create</c> with the greeting instructions, asked for exactly once per call
/// by what runs the call (the <see cref="CallLoop"/>, or the SIP sideband), never by the engine on its own.
/// </summary>
/// <param name="Instructions">One-off instructions for the greeting; null for the agent's own.</param>
public sealed record AgentGreeting(string? Instructions)
{
    /// <summary>The greeting when the agent speaks first, else null.</summary>
    public static AgentGreeting? For(bool greetFirst, string? instructions) => greetFirst ? new AgentGreeting(instructions) : null;

    /// <summary>Asks <paramref name="engine"/> for the greeting response.</summary>
    public ValueTask RequestAsync(IConversationEngine engine, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(engine);
        return engine.CreateResponseAsync(Instructions, cancellationToken);
    }
}
