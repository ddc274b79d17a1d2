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
/// What <see cref="AcsCallRunner"/> and <see cref="BrowserCallRunner"/> share: the worker's services for a call, the
/// registration with <see cref="ActiveCalls"/> (and its cut-off), the <see cref="CallLoop"/> over a leg and an engine,
/// and the end of the call.
/// </summary>
internal sealed partial class CallRunnerServices
{
    private readonly ICallRecordSink _records;
    private readonly ICallControl _callControl;
    private readonly ICallToolHandler[] _tools;
    private readonly MediaWorkerMetrics _metrics;
    private readonly ActiveCalls _calls;
    private readonly LiveCalls? _live;
    private readonly Records.WorkerCallEnd? _callEnd;
    private readonly ICallLoopObserverFactory[] _observerFactories;
    private readonly Core.Costs.PricingOptions _pricing;
    private readonly Playout.ComfortNoiseSource? _comfortNoise;
    private readonly Playout.PlayoutPacer? _pacer;
    private readonly Say.ICallSpeech? _speech;
    private readonly Commands.WorkerQueueRecorder? _queueRecorder;
    private readonly Adapters.Engines.AgentCatalog? _agents;
    private readonly ILogger<CallRunnerServices> _logger;

    /// <summary>Resolves the shared services from the worker's container.</summary>
    public CallRunnerServices(IServiceProvider services, IOptions<MediaWorkerOptions> options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        Engines = services.GetRequiredService<IConversationEngineFactory>();

        // The engine registration may publish the agent as an instance or as options; either works.
        Agent = services.GetService<AgentOptions>() ?? services.GetService<IOptions<AgentOptions>>()?.Value ?? new AgentOptions();
        _agents = services.GetService<Adapters.Engines.AgentCatalog>();
        _records = services.GetRequiredService<ICallRecordSink>();
        _callControl = services.GetRequiredService<ICallControl>();
        _tools = services.GetServices<ICallToolHandler>()
            .Concat(services.GetService<ConfiguredHttpTools>()?.Handlers ?? [])
            .Where(t => t.IsAvailable).ToArray();
        _speech = services.GetService<Say.ICallSpeech>();
        Options = options.Value;
        Time = services.GetRequiredService<TimeProvider>();
        _metrics = services.GetRequiredService<MediaWorkerMetrics>();
        _calls = services.GetRequiredService<ActiveCalls>();
        _live = services.GetService<LiveCalls>();
        Loggers = services.GetRequiredService<ILoggerFactory>();
        _logger = Loggers.CreateLogger<CallRunnerServices>();
        Greeting = services.GetService<Greeting.ICallGreeting>();
        _callEnd = services.GetService<Records.WorkerCallEnd>();
        _observerFactories = services.GetServices<ICallLoopObserverFactory>().ToArray();
        _pricing = services.GetService<IOptions<Core.Costs.PricingOptions>>()?.Value ?? new Core.Costs.PricingOptions();
        _comfortNoise = services.GetService<Playout.ComfortNoiseSource>();
        // Real time only: a test's fake clock paces its own calls, deterministically.
        _pacer = ReferenceEquals(Time, TimeProvider.System) ? services.GetService<Playout.PlayoutPacer>() : null;
        _queueRecorder = services.GetService<Commands.WorkerQueueRecorder>();
        BargeInGate = services.GetService<IOptions<BargeInGateOptions>>()?.Value ?? new BargeInGateOptions();
    }

    /// <summary>The default agent: what a call runs when its session names no configured agent.</summary>
    public AgentOptions Agent { get; }

    /// <summary>
    /// The agent <paramref name="agentId"/> names (<c>Agents:{id}</c>) for call <paramref name="callId"/>, or the default
    /// agent when it names none. An id this worker has no settings for (its Agents section differs from the Functions
    /// app's, or changed in between) runs the default agent too, with a warning: the call is up already.
    /// </summary>
    public AgentOptions AgentFor(string callId, string? agentId) => AgentFor(callId, agentId, Agent, _agents, _logger);

    /// <summary>
    /// The lookup behind <see cref="AgentFor(string, string?)"/>, for a runner without these services (the SIP sideband
    /// takes its agents from its own constructor): every channel picks its agent, and warns of an unknown one, here.
    /// </summary>
    internal static AgentOptions AgentFor(string callId, string? agentId, AgentOptions defaultAgent, Adapters.Engines.AgentCatalog? agents, ILogger logger)
    {
        if (agentId is not null && agents?.Contains(agentId) != true)
        {
            LogUnknownAgent(logger, callId, agentId);
        }

        return agents?.For(agentId) ?? defaultAgent;
    }

    private AgentOptions AgentNamed(string? agentId) => _agents?.For(agentId) ?? Agent;

    /// <summary>Creates each call's engine.</summary>
    public IConversationEngineFactory Engines { get; }

    /// <summary>The worker's options.</summary>
    public MediaWorkerOptions Options { get; }

    /// <summary>The false-interruption gate settings.</summary>
    public BargeInGateOptions BargeInGate { get; }

    /// <summary>The worker's clock.</summary>
    public TimeProvider Time { get; }

    /// <summary>The worker's loggers.</summary>
    public ILoggerFactory Loggers { get; }

    /// <summary>The cached greeting, when one is configured.</summary>
    public Greeting.ICallGreeting? Greeting { get; }

    /// <summary>
    /// Creates the engine of call <paramref name="callId"/> for <paramref name="agent"/>, declaring the tools this worker
    /// can run (<c>end_call</c>, <c>transfer</c> when configured, the HTTP tools of <c>Agent:Tools</c>) unless the agent already lists its own.
    /// </summary>
    public IConversationEngine CreateEngine(string callId, AgentOptions agent)
    {
        ArgumentNullException.ThrowIfNull(agent);
        if (agent.Tools.Count == 0 && _tools.Length > 0)
        {
            agent = agent.Clone();
            agent.Tools = _tools.Select(t => t.Definition).ToArray();
        }

        var engine = Engines.Create(callId, agent);
        var reconnect = agent.Reconnect;
        if (reconnect.MaxAttempts == 0 && reconnect.HandoverAfter is null)
        {
            return engine;
        }

        // A dropped engine connection or a session limit is a gap for the caller, not the end of the call.
        var factory = Engines;
        return new Adapters.Engines.Resilience.ReconnectingConversationEngine(callId, engine, a => factory.Create(callId, a), agent, Time,
            Loggers.CreateLogger<Adapters.Engines.Resilience.ReconnectingConversationEngine>());
    }

    /// <summary>
    /// Runs <paramref name="run"/> for call <paramref name="callId"/> held by this replica (<see cref="ActiveCalls.RunAsync{T}"/>:
    /// registered, cut off at the drain's end, its command queue recorded on the session).
    /// </summary>
    public Task<T> RunRegisteredAsync<T>(string callId, Func<CancellationToken, Task<T>> run, CancellationToken cancellationToken) =>
        _calls.RunAsync(callId, _queueRecorder, run, cancellationToken);

    /// <summary>The call loop's options from <paramref name="agent"/> and the worker's playout lead.</summary>
    public CallLoopOptions LoopOptions(AgentOptions agent) => CallLoopOptions.From(agent, TimeSpan.FromMilliseconds(Options.PlayoutLeadMs), BargeInGate);

    /// <summary>
    /// A <see cref="CallLoop"/> for <paramref name="call"/> over <paramref name="leg"/> and <paramref name="engine"/>,
    /// playing <paramref name="greeting"/> first, reporting to <paramref name="observer"/> when given and to the
    /// observers the worker's <see cref="ICallLoopObserverFactory"/>s make for the call (metrics, live events, traces).
    /// </summary>
    public CallLoop CreateLoop(CallContext call, ICallLeg leg, IConversationEngine engine, CallLoopOptions options,
        Greeting.ICallGreeting? greeting, ICallLoopObserver? observer = null)
    {
        ArgumentNullException.ThrowIfNull(call);
        var observers = new List<ICallLoopObserver>(_observerFactories.Length + 1);
        if (observer is not null)
        {
            observers.Add(observer);
        }

        foreach (var factory in _observerFactories)
        {
            if (factory.Create(call) is { } made)
            {
                observers.Add(made);
            }
        }

        var logger = Loggers.CreateLogger<CallLoop>();
        return new(call.CallId, leg, engine, options, _records, _callControl, _tools, Time, _metrics, logger)
        {
            Greeting = greeting,
            Pacer = _pacer,
            ComfortNoise = _comfortNoise,
            Voice = _speech is null ? null : new Say.CallVoice(_speech, call.TenantId ?? Adapters.Tts.TtsServiceCollectionExtensions.DefaultTenant, AgentId: call.AgentId),
            Cost = new Core.Costs.CallCost(_pricing, AgentNamed(call.AgentId).TranscriptionModel),
            Observer = observers.Count switch
            {
                0 => null,
                _ => new CallLoopObservers(observers, call.CallId, logger),
            },
        };
    }

    /// <summary>
    /// Makes <paramref name="loop"/> reachable by the Functions app's commands while it runs (dispose the handle when it
    /// ends); <paramref name="browser"/> adds a browser session's stop and mute.
    /// </summary>
    public IDisposable? RegisterLive(CallContext call, CallLoop loop, BrowserLiveSession? browser = null)
    {
        ArgumentNullException.ThrowIfNull(call);
        return _live?.Register(new LiveCall(call.CallId, call.TenantId, call.Channel, loop, browser, call.AgentId));
    }

    /// <summary>Ends the call's record and bookkeeping once its loop has ended with <paramref name="reason"/>.</summary>
    public async Task CallEndedAsync(string callId, CallEndReason reason)
    {
        if (_callEnd is not null)
        {
            await _callEnd.OnCallEndedAsync(callId, reason, CancellationToken.None).ConfigureAwait(false);
        }
    }

    [LoggerMessage(EventId = 9453, Level = LogLevel.Warning, Message = "Call {CallId}: its session names agent '{AgentId}', which this worker does not know; running the default agent")]
    private static partial void LogUnknownAgent(ILogger logger, string callId, string agentId);
}
