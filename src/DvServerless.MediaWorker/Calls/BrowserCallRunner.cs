using DvServerless.Adapters.Engines;
using System.Net.WebSockets;
using DvServerless.Core.Calls;
using DvServerless.Core.Engines;
using DvServerless.Core.Records;
using DvServerless.MediaWorker.Calls.Tools;
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
    private readonly IConversationEngineFactory _engines;
    private readonly AgentOptions _agent;
    private readonly AgentCatalog? _agents;
    private readonly ICallRecordSink _records;
    private readonly ICallControl _callControl;
    private readonly IReadOnlyList<ICallToolHandler> _tools;
    private readonly MediaWorkerOptions _options;
    private readonly TimeProvider _time;
    private readonly MediaWorkerMetrics _metrics;
    private readonly ActiveCalls _calls;
    private readonly ICallSessionStore _sessions;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly Greeting.ICallGreeting? _greeting;
    private readonly Records.WorkerCallEnd? _callEnd;

    /// <summary>Creates the runner from the worker's services.</summary>
    public BrowserCallRunner(IServiceProvider services, IOptions<MediaWorkerOptions> options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        _engines = services.GetRequiredService<IConversationEngineFactory>();
        _agent = services.GetService<AgentOptions>() ?? services.GetService<IOptions<AgentOptions>>()?.Value ?? new AgentOptions();
        _agents = services.GetService<AgentCatalog>();
        _records = services.GetRequiredService<ICallRecordSink>();
        _callControl = services.GetRequiredService<ICallControl>();
        _tools = services.GetServices<ICallToolHandler>().ToArray();
        _options = options.Value;
        _time = services.GetRequiredService<TimeProvider>();
        _metrics = services.GetRequiredService<MediaWorkerMetrics>();
        _calls = services.GetRequiredService<ActiveCalls>();
        _sessions = services.GetRequiredService<ICallSessionStore>();
        _loggers = services.GetRequiredService<ILoggerFactory>();
        _logger = _loggers.CreateLogger<BrowserCallRunner>();
        _greeting = services.GetService<Greeting.ICallGreeting>();
        _callEnd = services.GetService<Records.WorkerCallEnd>();
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
        var sessionId = session.CallId;
        using var registration = _calls.Register(sessionId);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _calls.CutOff);
        var leg = new BrowserMediaLeg(socket, sessionId, _loggers.CreateLogger<BrowserMediaLeg>());
        var publisher = new BrowserEventPublisher(leg, sessionId, debug);
        publisher.SessionCreated();

        IConversationEngine engine;
        try
        {
            engine = _engines.Create(sessionId, _agents?.For(BrowserSessionMetadata.EngineOf(session)) ?? _agent);
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
        var loop = new CallLoop(sessionId, leg, engine, LoopOptions(welcome), _records, _callControl, _tools, _time, _metrics,
            _loggers.CreateLogger<CallLoop>())
        {
            // A per-session welcome is said by the agent itself; otherwise the cached greeting plays as on a phone call.
            Greeting = welcome is null ? _greeting : null,
            Observer = publisher,
        };
        live.Attach(leg, loop, publisher);
        var commands = Task.Run(() => ApplyCommandsAsync(leg, live), CancellationToken.None);
        using var maxDuration = BrowserSessionMetadata.MaxDurationOf(session) is { } limit
            ? _time.CreateTimer(static state => ((BrowserLiveSession)state!).End("max_duration"), live, limit, Timeout.InfiniteTimeSpan)
            : null;

        var loopReason = await loop.RunAsync(stop.Token).ConfigureAwait(false);
        live.Detach();
        await commands.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        var reason = publisher.EndReason ?? BrowserEventPublisher.ReasonName(loopReason);
        await MoveAsync(sessionId, CallState.Ended, reason).ConfigureAwait(false);
        if (_callEnd is not null)
        {
            await _callEnd.OnCallEndedAsync(sessionId, loopReason, CancellationToken.None).ConfigureAwait(false);
        }

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

    private CallLoopOptions LoopOptions(string? welcome)
    {
        var options = CallLoopOptions.From(_agent, TimeSpan.FromMilliseconds(_options.PlayoutLeadMs));
        if (welcome is null)
        {
            return options;
        }

        return new CallLoopOptions
        {
            PlayoutLead = options.PlayoutLead,
            EngineInterruptsOnSpeech = options.EngineInterruptsOnSpeech,
            RecordFlushTimeout = options.RecordFlushTimeout,
            GreetFirst = true,
            GreetingInstructions = $"Greet the user by saying exactly this, and nothing else: \"{welcome}\"",
        };
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
                var now = _time.GetUtcNow();
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

    [LoggerMessage(EventId = 3801, Level = LogLevel.Error, Message = "Browser session {SessionId}: the engine could not be created")]
    private partial void LogEngineUnavailable(Exception exception, string sessionId);

    [LoggerMessage(EventId = 3802, Level = LogLevel.Warning, Message = "Browser session {SessionId}: moving the session to {State} failed")]
    private partial void LogSessionUpdateFailed(Exception exception, string sessionId, string state);
}
