using System.Net.WebSockets;
using DvServerless.Core.Calls;
using DvServerless.Core.Engines;
using DvServerless.MediaWorker.Hosting;
using DvServerless.MediaWorker.Legs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DvServerless.MediaWorker.Calls;

/// <summary>
/// Runs one browser session on an accepted media socket: the <see cref="BrowserMediaLeg"/>, the engine and the same
/// <see cref="CallLoop"/> as an ACS call, with the page's events published by a <see cref="BrowserEventPublisher"/>, the
/// page's commands applied, the session's <c>max_duration</c> and <c>welcome</c>, and the session document moved to
/// Connected on open and Ended on close.
/// </summary>
public sealed partial class BrowserCallRunner
{
    private readonly CallRunnerServices _services;
    private readonly ICallSessionStore _sessions;
    private readonly ILogger _logger;

    /// <summary>Creates the runner from the worker's services.</summary>
    public BrowserCallRunner(IServiceProvider services, IOptions<MediaWorkerOptions> options)
    {
        _services = new CallRunnerServices(services, options);
        _sessions = services.GetRequiredService<ICallSessionStore>();
        _logger = _services.Loggers.CreateLogger<BrowserCallRunner>();
    }

    /// <summary>
    /// Runs <paramref name="session"/> on <paramref name="socket"/> until it ends; returns the reason sent to the page in
    /// <c>SESSION_ENDED</c>. <paramref name="live"/> is the session's reservation; it becomes live while the loop runs.
    /// </summary>
    public async Task<string> RunAsync(WebSocket socket, CallSession session, bool debug, BrowserLiveSession live, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(live);
        return await _services.RunRegisteredAsync(session.CallId, stop => RunRegisteredAsync(socket, session, debug, live, stop), cancellationToken)
            .ConfigureAwait(false);
    }

    private async Task<string> RunRegisteredAsync(WebSocket socket, CallSession session, bool debug, BrowserLiveSession live, CancellationToken stop)
    {
        var sessionId = session.CallId;
        var leg = new BrowserMediaLeg(socket, sessionId, _services.Loggers.CreateLogger<BrowserMediaLeg>());
        var publisher = new BrowserEventPublisher(leg, sessionId, debug);
        publisher.SessionCreated();

        // The agent the session asked for (expected_engine_id) runs the engine and decides the loop's barge-in handling.
        var agent = _services.AgentFor(sessionId, CallSessionAgent.Of(session));
        IConversationEngine engine;
        try
        {
            engine = _services.CreateEngine(sessionId, agent);
        }
        catch (Exception ex)
        {
            LogEngineUnavailable(ex, sessionId);
            return await RefuseAsync(leg, publisher, sessionId, CallState.Failed, "engine_unavailable").ConfigureAwait(false);
        }

        var connected = await MoveAsync(sessionId, CallState.Connected, null).ConfigureAwait(false);
        if (connected?.State != CallState.Connected)
        {
            // Ended (or gone) between the upgrade check and now: the session must not come back to life.
            await engine.DisposeAsync().ConfigureAwait(false);
            return await RefuseAsync(leg, publisher, sessionId, final: null, "session_final").ConfigureAwait(false);
        }

        var welcome = BrowserSessionMetadata.WelcomeOf(session);
        // A per-session welcome is said by the agent itself; otherwise the cached greeting plays as on a phone call.
        var call = CallContext.Of(session);
        var loop = _services.CreateLoop(call, leg, engine, LoopOptions(agent, welcome), welcome is null ? _services.Greeting : null, publisher);
        live.Attach(leg, loop, publisher);
        using var registered = _services.RegisterLive(call, loop, live);
        var commands = Task.Run(() => ApplyCommandsAsync(leg, live), CancellationToken.None);
        using var maxDuration = BrowserSessionMetadata.MaxDurationOf(session) is { } limit
            ? _services.Time.CreateTimer(static state => ((BrowserLiveSession)state!).End("max_duration"), live, limit, Timeout.InfiniteTimeSpan)
            : null;

        var loopReason = await loop.RunAsync(stop).ConfigureAwait(false);
        registered?.Dispose();
        live.Detach();
        await commands.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        var reason = publisher.EndReason ?? BrowserEventPublisher.ReasonName(loopReason);
        await MoveAsync(sessionId, CallState.Ended, reason).ConfigureAwait(false);
        await _services.CallEndedAsync(sessionId, loopReason).ConfigureAwait(false);

        return reason;
    }

    private static async Task ApplyCommandsAsync(BrowserMediaLeg leg, BrowserLiveSession live)
    {
        await foreach (var command in leg.Commands.ReadAllAsync().ConfigureAwait(false))
        {
            switch (command.Kind)
            {
                case BrowserClientMessageKind.Interrupt:
                    live.Interrupt();
                    break;
                case BrowserClientMessageKind.Text:
                    live.SendText(command.Text!);
                    break;
                case BrowserClientMessageKind.Stop:
                    live.End("stopped");
                    break;
            }
        }
    }

    private CallLoopOptions LoopOptions(AgentOptions agent, string? welcome)
    {
        if (welcome is not null)
        {
            agent = agent.Clone();
            agent.GreetFirst = true;
            agent.GreetingInstructions = $"Greet the user by saying exactly this, and nothing else: \"{welcome}\"";
        }

        return _services.LoopOptions(agent);
    }

    private async Task<string> RefuseAsync(BrowserMediaLeg leg, BrowserEventPublisher publisher, string sessionId, CallState? final, string reason)
    {
        publisher.TrySetEndReason(reason);
        publisher.OnEnding(CallEndReason.Cancelled);
        await leg.DisposeAsync().ConfigureAwait(false);
        if (final is { } state)
        {
            await MoveAsync(sessionId, state, reason).ConfigureAwait(false);
        }

        return reason;
    }

    private async Task<CallSession?> MoveAsync(string sessionId, CallState to, string? reason)
    {
        try
        {
            // The session is stored Ringing; the browser leg answers it itself (Ringing → Answering → Connected).
            return await _sessions.UpdateAsync(sessionId, s =>
            {
                var now = _services.Time.GetUtcNow();
                if (to == CallState.Connected && s.State == CallState.Ringing)
                {
                    CallStateMachine.TryMoveTo(s, CallState.Answering, now, "browser media socket opened");
                }

                return CallStateMachine.TryMoveTo(s, to, now, reason) == CallTransitionResult.Applied;
            }, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogSessionUpdateFailed(ex, sessionId, to.ToString());
            return null;
        }
    }

    [LoggerMessage(EventId = 3851, Level = LogLevel.Error, Message = "Browser session {SessionId}: the engine could not be created")]
    private partial void LogEngineUnavailable(Exception exception, string sessionId);

    [LoggerMessage(EventId = 3852, Level = LogLevel.Warning, Message = "Browser session {SessionId}: moving the session to {State} failed")]
    private partial void LogSessionUpdateFailed(Exception exception, string sessionId, string state);
}
