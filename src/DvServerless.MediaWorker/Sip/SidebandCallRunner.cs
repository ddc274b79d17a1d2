using DvServerless.Adapters.Engines;
using DvServerless.Adapters.Engines.Realtime;
using DvServerless.Adapters.OpenAI.Calls;
using DvServerless.Core.Calls;
using DvServerless.Core.Costs;
using DvServerless.Core.Engines;
using DvServerless.Core.Privacy;
using DvServerless.Core.Records;
using DvServerless.MediaWorker.Calls;
using DvServerless.MediaWorker.Calls.Tools;
using DvServerless.MediaWorker.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DvServerless.MediaWorker.Sip;

/// <summary>
/// Runs the control side of accepted OpenAI Realtime SIP calls (PROTOCOL §2.4): one sideband WebSocket per call, no
/// audio leg (the audio stays on the SIP leg between the carrier and OpenAI). It asks for the greeting, answers the
/// <c>end_call</c> and <c>transfer</c> tools with hangup and refer and the HTTP tools of <c>Agent:Tools</c> as a call loop
/// does (declared on the sideband once attached), passes the caller's keypad entries to the agent
/// (<see cref="CallKeypad"/>), records the caller's and the agent's transcripts,
/// and ends the session when the sideband closes. Nothing here waits for audio deltas: they may never come. The call runs
/// the agent its session records (<see cref="CallSessionAgent"/>, the named agent of the called number), which the
/// Functions app accepted it with; a session that names none, or an agent this worker does not know, runs the default.
/// A session that cannot be read leaves the call to run as the attach said (<see cref="CallOwner"/>).
/// </summary>
/// <remarks>
/// <c>end_call</c> comes in the same response as the agent's goodbye, which OpenAI generates faster than it plays into
/// the call. So the hang-up waits for that response to finish and for the far end's output buffer to drain
/// (<c>output_audio_buffer.stopped</c> / <c>.cleared</c>), at most <see cref="SipSidebandOptions.GoodbyeTimeout"/>;
/// hanging up at once would cut the goodbye off mid-word.
/// </remarks>
public sealed partial class SidebandCallRunner
{
    private readonly RealtimeEngineFactory _engines;
    private readonly AgentOptions _agent;
    private readonly IRealtimeCallControl _control;
    private readonly TenantRealtimeProjects? _projects;
    private readonly ICallRecordSink _records;
    private readonly ICallSessionStore _sessions;
    private readonly ActiveCalls _calls;
    private readonly SipSidebandOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<SidebandCallRunner> _logger;
    private readonly ICallLoopObserverFactory[] _observerFactories;
    private readonly PricingOptions _pricing;
    private readonly ConfiguredHttpTools? _httpTools;
    private readonly AgentCatalog? _agents;
    private readonly SidebandSeats _seats;
    private readonly Commands.WorkerQueueRecorder? _queueRecorder;

    /// <summary>How long the end of a sideband waits for its last record lines, as a call loop does.</summary>
    private static readonly TimeSpan RecordFlushTimeout = new CallLoopOptions().RecordFlushTimeout;

    /// <summary>How long after the caller's last key the keys go to the agent, as in a call loop.</summary>
    private static readonly TimeSpan KeypadPause = new CallLoopOptions().KeypadPause;

    /// <summary>
    /// Creates the runner. <paramref name="agent"/> is the default agent; <paramref name="agents"/>, when given, offers the
    /// named agents a session may record.
    /// </summary>
    public SidebandCallRunner(
        RealtimeEngineFactory engines,
        AgentOptions agent,
        IRealtimeCallControl control,
        ICallRecordSink records,
        ICallSessionStore sessions,
        ActiveCalls calls,
        IOptions<SipSidebandOptions> options,
        TimeProvider time,
        ILogger<SidebandCallRunner> logger,
        TenantRealtimeProjects? projects = null,
        IEnumerable<ICallLoopObserverFactory>? observers = null,
        IOptions<PricingOptions>? pricing = null,
        ConfiguredHttpTools? httpTools = null,
        AgentCatalog? agents = null,
        Commands.WorkerQueueRecorder? queueRecorder = null)
    {
        _queueRecorder = queueRecorder;
        _httpTools = httpTools;
        _agents = agents;
        _engines = engines;
        _agent = agent;
        _control = control;
        _projects = projects;
        _records = records;
        _sessions = sessions;
        _calls = calls;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _observerFactories = observers?.ToArray() ?? [];
        _pricing = pricing?.Value ?? new PricingOptions();
        _seats = new SidebandSeats(calls, _options, time);
    }

    /// <summary>How many sidebands run and may run.</summary>
    public SidebandCapacity Capacity => _seats.Capacity;

    /// <summary>
    /// Takes a seat for <paramref name="callId"/>, which is being accepted and will be attached here
    /// (<see cref="TryStart"/> fills it); the seat frees itself after <see cref="SipSidebandOptions.ReservationHold"/>.
    /// True when the call has a seat (taken now or before, or its sideband already runs); false when full or draining.
    /// </summary>
    public bool TryReserve(string callId)
    {
        ArgumentException.ThrowIfNullOrEmpty(callId);
        return _seats.TryReserve(callId);
    }

    /// <summary>The task of the sideband for <paramref name="callId"/> while it runs (tests wait on it), else null.</summary>
    public Task? Running(string callId) => _seats.Running(callId);

    /// <summary>
    /// Starts the sideband of the accepted SIP call <paramref name="sipCallId"/> (session <paramref name="callId"/>) in
    /// the background, once per call, within the capacity. <paramref name="owner"/> is who the call belongs to as the
    /// attach said (signed by the Functions app): the call runs by it when its session cannot be read.
    /// </summary>
    public SidebandStartResult TryStart(string callId, string sipCallId, CallOwner owner)
    {
        ArgumentException.ThrowIfNullOrEmpty(callId);
        ArgumentException.ThrowIfNullOrEmpty(sipCallId);
        return _seats.TryStart(callId, () => _calls.RunAsync(callId, _queueRecorder, async stop =>
        {
            await RunHeldAsync(callId, sipCallId, owner, stop).ConfigureAwait(false);
            return true;
        }, CancellationToken.None));
    }

    private async Task RunHeldAsync(string callId, string sipCallId, CallOwner owner, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        var endReason = "the sideband closed";
        var final = CallState.Ended;
        RealtimeEngine? engine = null;
        GoodbyeHangUp? goodbye = null;
        var control = _control;
        ICallLoopObserver? observer = null;
        CallTurnRecorder? turns = null;
        SidebandEvents? events = null;
        Task limits = Task.CompletedTask;
        CallCost? cost = null;

        // Nobody can steer or end this call: end it rather than leave the caller with an agent nobody manages, with no
        // tools, no record and no time limit.
        async Task HangUpUnsteeredAsync(string why)
        {
            LogAttachFailed(callId, why);
            await control.HangUpAsync(sipCallId, CancellationToken.None).ConfigureAwait(false);
            endReason = "sideband failed: " + why;
            final = CallState.Failed;
        }

        try
        {
            // The call lives in the project whose webhook announced it, and runs the agent it was accepted with; the
            // Functions app recorded both on the session, and said both in the attach.
            CallSession? session;
            try
            {
                session = await _sessions.GetAsync(callId, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Past the store's retries: the call is already accepted, and the attach said whose it is. It runs by
                // that, without its parties and its trace, rather than being hung up on a storage hiccup.
                LogSessionUnread(ex, callId, owner.TenantId ?? "none", owner.AgentId ?? "the default", owner.ProjectTenantId ?? "the worker's own");
                session = null;
            }

            var known = session is null ? owner : CallOwner.Of(session);
            var chosen = AgentOf(callId, known.AgentId);
            var agent = new AgentOptions
            {
                Model = chosen.Model,
                Voice = chosen.Voice,
                Instructions = chosen.Instructions,
                TranscriptionModel = chosen.TranscriptionModel,
                TurnDetection = chosen.TurnDetection,
            };

            // A SIP caller hears nothing until the agent speaks: the sideband always greets, once, as a call loop does.
            var greeting = new AgentGreeting(string.IsNullOrWhiteSpace(chosen.GreetingInstructions) ? _options.GreetingInstructions : chosen.GreetingInstructions);
            cost = new CallCost(_pricing, agent.TranscriptionModel);
            var projectTenant = _projects is null ? null : known.ProjectTenantId;
            control = _projects?.For(projectTenant) ?? _control;
            engine = _projects is null ? _engines.CreateSideband(callId, sipCallId, agent)
                : _engines.CreateSideband(callId, sipCallId, agent, _projects.SettingsFor(projectTenant));
            LogAttaching(callId, sipCallId);
            var sipControl = new SipCallControl(control, sipCallId);
            var handlers = ToolHandlers(sipControl);
            try
            {
                await engine.StartAsync(cancellationToken).ConfigureAwait(false);
                if (chosen.Tools.Count == 0 && _httpTools is { Handlers.Count: > 0 })
                {
                    // The accept named only end_call and transfer; tools replaces the whole list, so all of them go. An
                    // agent with its own list had it declared by the accept, as an ACS call's engine declares it.
                    await engine.DeclareToolsAsync([.. handlers.Select(t => t.Definition)], cancellationToken).ConfigureAwait(false);
                }

                await greeting.RequestAsync(engine, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                await HangUpUnsteeredAsync(ex.Message).ConfigureAwait(false);
                return;
            }

            LogAttached(callId);

            // The same telemetry, record writing and tool handlers as a call loop's, fed from the sideband's events.
            observer = Observers(session is null ? new CallContext(callId, CallChannel.Sip, owner.TenantId, AgentId: owner.AgentId) : CallContext.Of(session));
            observer?.OnStarted(new CallLoopStarted(callId, engine.AudioFormat, engine.Name, _time.GetUtcNow()));
            turns = new CallTurnRecorder(new CallRecordWriter(callId, _records, _logger, _time), _time);
            turns.Start(_time.GetUtcNow(), engine.Name, observer);
            // No filler on a SIP call: its audio is the Realtime service's, and the sideband has no way to play a line.
            var tools = new CallToolRunner(callId, handlers, _time, _logger);
            goodbye = new GoodbyeHangUp(engine, control, sipCallId, _options.GoodbyeTimeout, _time, why => LogEndCall(callId, why), ex => LogFailed(ex, callId));
            // The agent's silence handling and time limit, counted from the attach (when the sideband can steer the call).
            events = new SidebandEvents(callId, engine, turns, tools, sipControl, goodbye, observer, cost, KeypadPause, _time, _logger, cancellationToken,
                CallLimits.From(chosen));
            limits = Task.Run(events.RunLimitsAsync, CancellationToken.None);
            await foreach (var engineEvent in engine.ReadEventsAsync(cancellationToken).ConfigureAwait(false))
            {
                await events.HandleAsync(engineEvent).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            endReason = "the worker stopped";
        }
        catch (Exception ex)
        {
            LogFailed(ex, callId);
            endReason = "sideband failed: " + ex.Message;
            final = CallState.Failed;
        }
        finally
        {
            events?.Dispose();
            await limits.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (engine is not null)
            {
                await engine.DisposeAsync().ConfigureAwait(false);
            }

            goodbye?.Dispose();
            if (goodbye?.EndReason is { } ended && final == CallState.Ended)
            {
                endReason = ended;
            }
            else if (events?.TransferredTo is { } target && final == CallState.Ended)
            {
                endReason = "transferred to " + target;
            }

            if (turns is not null)
            {
                turns.Finish(cost);
                await turns.CompleteAsync(RecordFlushTimeout).ConfigureAwait(false);
                await turns.DisposeAsync().ConfigureAwait(false);
            }

            if (observer is not null)
            {
                var reason = final == CallState.Failed ? CallEndReason.EngineClosed : CallEndReason.LegClosed;
                observer.OnEnding(reason);
                observer.OnCompleted(reason);
            }

            await EndSessionAsync(callId, final, endReason).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The agent <paramref name="agentId"/> names through the worker's one agent lookup, which warns of an id this worker
    /// does not know (its settings differ from the Functions app's, or changed between the accept and the attach) and runs
    /// the default agent then, as for no id: the call is already accepted, and a sideband that steers it beats none.
    /// </summary>
    private AgentOptions AgentOf(string callId, string? agentId)
    {
        var agent = CallRunnerServices.AgentFor(callId, agentId, _agent, _agents, _logger);
        if (agentId is not null && _agents?.Contains(agentId) == true)
        {
            // The worker's word on the named agent it runs; the Functions app logged only the one it accepted the call with.
            LogAgent(callId, agentId);
        }

        return agent;
    }

    /// <summary>
    /// The tools a SIP call's agent can run: <c>end_call</c> and <c>transfer</c>, which the accept declared, and the HTTP
    /// tools of <c>Agent:Tools</c>, which the sideband declares once attached.
    /// </summary>
    private ICallToolHandler[] ToolHandlers(SipCallControl control) =>
        [new EndCallToolHandler(), new TransferToolHandler(control, _options.TransferTarget), .. _httpTools?.Handlers ?? []];

    private CallLoopObservers? Observers(CallContext context)
    {
        var made = _observerFactories.Select(f => f.Create(context)).OfType<ICallLoopObserver>().ToList();
        return made.Count == 0 ? null : new CallLoopObservers(made, context.CallId, _logger);
    }

    private async Task EndSessionAsync(string callId, CallState final, string reason)
    {
        try
        {
            await _sessions.UpdateAsync(callId, s => CallStateMachine.TryMoveTo(s, final, _time.GetUtcNow(), reason) == CallTransitionResult.Applied, CancellationToken.None)
                .ConfigureAwait(false);
            LogEnded(callId, final, reason);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogRecordFailed(ex, callId);
        }
    }

    [LoggerMessage(EventId = 3753, Level = LogLevel.Information, Message = "SIP call {CallId}: attaching the sideband to {SipCallId}")]
    private partial void LogAttaching(string callId, string sipCallId);

    [LoggerMessage(EventId = 9342, Level = LogLevel.Information, Message = "SIP call {CallId}: the sideband runs agent '{AgentId}'")]
    private partial void LogAgent(string callId, string agentId);

    [LoggerMessage(EventId = 3702, Level = LogLevel.Information, Message = "SIP call {CallId}: sideband attached")]
    private partial void LogAttached(string callId);

    [LoggerMessage(EventId = 3711, Level = LogLevel.Warning,
        Message = "SIP call {CallId}: its session could not be read; the sideband runs as the attach said (tenant {TenantId}, agent {AgentId}, project of {ProjectTenantId})")]
    private partial void LogSessionUnread(Exception exception, string callId, string tenantId, string agentId, string projectTenantId);

    [LoggerMessage(EventId = 3703, Level = LogLevel.Error, Message = "SIP call {CallId}: the sideband did not attach ({Reason}); hanging up")]
    private partial void LogAttachFailed(string callId, string reason);

    [LoggerMessage(EventId = 3707, Level = LogLevel.Information, Message = "SIP call {CallId}: session {State} ({Reason})")]
    private partial void LogEnded(string callId, CallState state, string reason);

    [LoggerMessage(EventId = 3710, Level = LogLevel.Information, Message = "SIP call {CallId}: the agent ended the call; hanging up ({Why}).")]
    private partial void LogEndCall(string callId, string why);

    [LoggerMessage(EventId = 3708, Level = LogLevel.Error, Message = "SIP call {CallId}: the sideband failed")]
    private partial void LogFailed(Exception exception, string callId);

    [LoggerMessage(EventId = 3709, Level = LogLevel.Warning, Message = "SIP call {CallId}: could not write the call record or session")]
    private partial void LogRecordFailed(Exception exception, string callId);
}
