using System.Net.WebSockets;
using DvServerless.Core.Calls;
using DvServerless.Core.Engines;
using DvServerless.MediaWorker.Hosting;
using DvServerless.MediaWorker.Legs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DvServerless.MediaWorker.Calls;

/// <summary>Runs one ACS call on an accepted media socket: builds the leg, the engine and the <see cref="CallLoop"/>, and waits for the end.</summary>
public sealed partial class AcsCallRunner
{
    private static readonly TimeSpan SessionReadBudget = TimeSpan.FromSeconds(2);

    private readonly CallRunnerServices _services;
    private readonly ICallSessionStore? _sessions;
    private readonly ILogger _logger;

    /// <summary>Creates the runner from the worker's services.</summary>
    public AcsCallRunner(IServiceProvider services, IOptions<MediaWorkerOptions> options)
    {
        _services = new CallRunnerServices(services, options);
        _sessions = services.GetService<ICallSessionStore>();
        _logger = _services.Loggers.CreateLogger<AcsCallRunner>();
    }

    /// <summary>
    /// Runs the call <paramref name="callId"/> on <paramref name="socket"/> until it ends; <paramref name="owner"/> is who the
    /// call belongs to as its media token says, for when its session cannot be read.
    /// </summary>
    public async Task<CallEndReason> RunAsync(WebSocket socket, string callId, CallOwner owner, CancellationToken cancellationToken) =>
        await _services.RunRegisteredAsync(callId, stop => RunRegisteredAsync(socket, callId, owner, stop), cancellationToken).ConfigureAwait(false);

    private async Task<CallEndReason> RunRegisteredAsync(WebSocket socket, string callId, CallOwner owner, CancellationToken stop)
    {
        var leg = new AcsMediaLeg(socket, _services.Options.ParseAcsAudioFormat() ?? Core.Audio.AudioFormat.Pcm24k, callId,
            _services.Loggers.CreateLogger<AcsMediaLeg>());
        // The session names the agent the called number routes to (Agents:{id}:PhoneNumbers); none runs the default agent.
        var call = await ContextOfAsync(callId, owner, stop).ConfigureAwait(false);
        var agent = _services.AgentFor(callId, call.AgentId);
        IConversationEngine engine;
        try
        {
            engine = _services.CreateEngine(callId, agent);
        }
        catch (Exception ex)
        {
            LogEngineUnavailable(ex, callId);
            await leg.DisposeAsync().ConfigureAwait(false);
            return CallEndReason.EngineClosed;
        }

        await using var loop = _services.CreateLoop(call, leg, engine, _services.LoopOptions(agent), _services.Greeting);
        CallEndReason reason;
        using (_services.RegisterLive(call, loop))
        {
            reason = await loop.RunAsync(stop).ConfigureAwait(false);
        }

        await _services.CallEndedAsync(callId, reason).ConfigureAwait(false);
        return reason;
    }

    /// <summary>
    /// Who the call belongs to, from its session document (the tenant, the parties, the trace it is part of). A slow or
    /// missing store must not hold the caller's audio: after a short budget the call runs with what its media token says
    /// (the tenant and the agent, signed by the Functions app when it answered), without the parties and the trace.
    /// </summary>
    private async Task<CallContext> ContextOfAsync(string callId, CallOwner owner, CancellationToken stop)
    {
        var fromToken = new CallContext(callId, CallChannel.Acs, owner.TenantId, AgentId: owner.AgentId);
        if (_sessions is null)
        {
            return fromToken;
        }

        try
        {
            using var budget = CancellationTokenSource.CreateLinkedTokenSource(stop);
            budget.CancelAfter(SessionReadBudget);
            var session = await _sessions.GetAsync(callId, budget.Token).ConfigureAwait(false);
            return session is null ? fromToken : CallContext.Of(session);
        }
        catch (Exception ex) when (!stop.IsCancellationRequested)
        {
            LogSessionUnread(ex, callId, owner.TenantId ?? "none", owner.AgentId ?? "the default");
            return fromToken;
        }
    }

    [LoggerMessage(EventId = 3402, Level = LogLevel.Warning,
        Message = "Call {CallId}: its session could not be read; the call runs as its media token says (tenant {TenantId}, agent {AgentId}), without its parties")]
    private partial void LogSessionUnread(Exception exception, string callId, string tenantId, string agentId);

    [LoggerMessage(EventId = 3401, Level = LogLevel.Error, Message = "Call {CallId}: the engine could not be created")]
    private partial void LogEngineUnavailable(Exception exception, string callId);
}
