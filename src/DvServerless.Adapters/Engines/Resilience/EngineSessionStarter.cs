using DvServerless.Core.Engines;
using Microsoft.Extensions.Logging;

namespace DvServerless.Adapters.Engines.Resilience;

/// <summary>
/// Starts the later sessions of a call: each for the call's agent with the conversation so far replayed into its
/// instructions and no greeting, each attempt bounded by <see cref="EngineReconnectOptions.AttemptTimeout"/>; after a
/// drop, attempts follow the exponential backoff of <see cref="EngineReconnectOptions.DelayBefore"/>.
/// </summary>
internal sealed class EngineSessionStarter(
    string callId, Func<AgentOptions, IConversationEngine> create, AgentOptions agent, ConversationReplay replay, TimeProvider time, ILogger logger)
{
    private readonly EngineReconnectOptions _options = agent.Reconnect;

    /// <summary>Tries up to <see cref="EngineReconnectOptions.MaxAttempts"/> times, with backoff; null when all failed or the call ended.</summary>
    public async Task<IConversationEngine?> ReconnectAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; attempt <= _options.MaxAttempts; attempt++)
        {
            try
            {
                await Task.Delay(_options.DelayBefore(attempt), time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return null;
            }

            if (await TryStartAsync(cancellationToken).ConfigureAwait(false) is { } fresh)
            {
                ReconnectingConversationEngineLog.Reconnected(logger, callId, attempt);
                return fresh;
            }
        }

        ReconnectingConversationEngineLog.GaveUp(logger, callId, _options.MaxAttempts);
        return null;
    }

    /// <summary>One attempt: a started session, or null (logged) when it failed or did not start in time.</summary>
    public async Task<IConversationEngine?> TryStartAsync(CancellationToken cancellationToken)
    {
        var next = agent.Clone();
        next.GreetFirst = false;
        next.Instructions = replay.AppendTo(agent.Instructions);
        IConversationEngine? fresh = null;
        // An attempt that hangs (a black-holed connect) would hold the call in silence: it gets AttemptTimeout, then
        // the next attempt is made. WaitAsync too, for an engine that does not watch the token while it connects.
        using var timeout = new CancellationTokenSource(_options.AttemptTimeout, time);
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            fresh = create(next);
            await fresh.StartAsync(attempt.Token).WaitAsync(attempt.Token).ConfigureAwait(false);
            return fresh;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            ReconnectingConversationEngineLog.AttemptFailed(logger, callId, timeout.IsCancellationRequested
                ? $"no session after {_options.AttemptTimeout.TotalMilliseconds:0} ms (Agent:Reconnect:AttemptTimeout)"
                : ex.Message);
            if (fresh is not null)
            {
                await fresh.DisposeAsync().ConfigureAwait(false);
            }

            return null;
        }
    }
}
