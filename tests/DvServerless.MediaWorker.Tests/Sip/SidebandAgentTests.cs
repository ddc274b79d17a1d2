using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using DvServerless.Adapters.Engines;
using DvServerless.Adapters.Engines.Realtime;
using DvServerless.Adapters.OpenAI.Calls;
using DvServerless.Core.Calls;
using DvServerless.Core.Engines;
using DvServerless.Core.Hosting;
using DvServerless.MediaWorker.Hosting;
using DvServerless.MediaWorker.Commands;
using DvServerless.MediaWorker.Sip;
using DvServerless.MediaWorker.Tests.Fakes;
using DvServerless.Simulators.Realtime;
using DvServerless.Simulators.Realtime.Sip;
using DvServerless.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DvServerless.MediaWorker.Tests.Sip;

/// <summary>
/// The sideband runs the agent the call's session records (the named agent of the called number): its greeting is the one
/// asked for on the call. A session naming no agent, or one this worker does not know, runs the default agent. A real
/// sideband WebSocket to the Realtime simulator, which places the SIP call and accepts it as OpenAI would.
/// </summary>
[SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable", Justification = "xUnit v2 disposes test classes through IAsyncLifetime.DisposeAsync, which this rule does not know; it releases the fields.")]
public sealed class SidebandAgentTests : IAsyncLifetime
{
    private const string DefaultGreeting = "Greet the caller as the Contoso switchboard.";
    private const string SalesGreeting = "Greet the caller as the Contoso sales line.";

    // The worker's one event id for "the session names an agent this worker does not know" (CallRunnerServices).
    private const int UnknownAgentEventId = 9453;

    // "Its session could not be read; the sideband runs as the attach said" (SidebandCallRunner).
    private const int SessionUnreadEventId = 3711;

    private readonly ReadFailingSessionStore _sessions = new();
    private readonly CapturingLoggerProvider _logs = new();
    private readonly EventIdLoggerProvider _events = new();
    private readonly ActiveCalls _calls = new();
    private readonly WorkerReplica _replica = new("local-sideband-test");
    private readonly HttpClient _http = new();
    private ILoggerFactory _loggers = null!;
    private RealtimeSimulator _simulator = null!;
    private SipAttachingReceiver _receiver = null!;
    private SidebandCallRunner _runner = null!;
    private Uri _webhookUrl = null!;
    private string? _recordedAgent;

    public async Task InitializeAsync()
    {
        _loggers = LoggerFactory.Create(b => b.AddProvider(_logs).AddProvider(_events));
        // The simulated agent says the instructions it was asked to greet with, so the response shows which agent asked.
        _simulator = await RealtimeSimulator.StartAsync(new RealtimeSimulatorOptions { GenerationSpeed = 20, InstructedReply = i => i });
        var realtime = new RealtimeEngineOptions
        {
            Service = RealtimeServiceKind.Simulator, BaseUrl = new Uri(_simulator.BaseUrl), ApiKey = LocalDefaults.RealtimeSimulatorApiKey,
        };
        var defaultAgent = new AgentOptions { Instructions = "You are the Contoso switchboard.", GreetingInstructions = DefaultGreeting };
        var agents = new AgentCatalog(defaultAgent, new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Agents:sales:Instructions"] = "You are the Contoso sales line.",
            ["Agents:sales:GreetingInstructions"] = SalesGreeting,
            ["Agents:sales:PhoneNumbers:0"] = "+14255550100",
        }).Build());
        var control = new OpenAICallControlClient(_http, realtime);
        _runner = new SidebandCallRunner(new RealtimeEngineFactory(Options.Create(realtime), _loggers), defaultAgent, control, new RecordingCallRecordSink(),
            _sessions, _calls, Options.Create(new SipSidebandOptions()), TimeProvider.System, _loggers.CreateLogger<SidebandCallRunner>(), agents: agents,
            queueRecorder: new WorkerQueueRecorder(_replica, _sessions, _loggers.CreateLogger<WorkerQueueRecorder>()));
        _replica.SetListening(true);

        // Plays the Functions app: accepts the call, records the session (with the agent the test names) and attaches.
        _receiver = await SipAttachingReceiver.StartAsync(control, defaultAgent, _sessions, _runner,
            session => { if (_recordedAgent is not null) { session.Metadata[CallSessionAgent.MetadataKey] = _recordedAgent; } });
        _webhookUrl = _receiver.WebhookUrl;
    }

    public async Task DisposeAsync()
    {
        await _receiver.DisposeAsync();
        await _simulator.DisposeAsync();
        _calls.Dispose();
        _http.Dispose();
        _loggers.Dispose();
        _logs.Dispose();
        _events.Dispose();
    }

    [Fact]
    public async Task The_sideband_greets_with_the_agent_the_session_records()
    {
        _recordedAgent = "sales";

        var (greeting, _) = await PlaceCallAsync();

        Assert.Equal(SalesGreeting, greeting);
        Assert.Contains(_logs.Messages, m => m.Contains("the sideband runs agent 'sales'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_sideband_records_its_replicas_queue_on_the_session_as_every_runner_does()
    {
        // A worker that took the call says so: the unanswered-call sweep then leaves the call alone, even one whose accept
        // the session could not record.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var result = await PlaceSipCallAsync(TimeSpan.FromSeconds(2), timeout.Token);
        var callId = "call-" + result.CallId;
        if (_runner.Running(callId) is { } running)
        {
            await running.WaitAsync(timeout.Token);
        }

        var session = (await _sessions.GetAsync(callId, timeout.Token))!;
        Assert.Equal(CallState.Ended, session.State);
        Assert.Equal(_replica.QueueName, session.WorkerQueue);
    }

    [Fact]
    public async Task A_session_without_an_agent_runs_the_default_agent()
    {
        var (greeting, _) = await PlaceCallAsync();

        Assert.Equal(DefaultGreeting, greeting);
        Assert.DoesNotContain(_logs.Messages, m => m.Contains("runs agent", StringComparison.Ordinal) || m.Contains("does not know", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_agent_this_worker_does_not_know_runs_the_default_agent_with_a_warning()
    {
        _recordedAgent = "renamed";

        var (greeting, state) = await PlaceCallAsync();

        Assert.Equal(DefaultGreeting, greeting);
        Assert.Equal(CallState.Ended, state);
        Assert.Contains(_logs.Messages, m => m.Contains("names agent 'renamed', which this worker does not know; running the default agent", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_unknown_agent_warning_is_the_one_the_worker_logs_on_every_channel()
    {
        _recordedAgent = "renamed";

        var (greeting, _) = await PlaceCallAsync();

        // One warning, from the worker's shared agent lookup (CallRunnerServices.AgentFor, as ACS and browser calls log
        // it), not a sideband copy of it; and no "runs agent" line for an agent that did not run.
        Assert.Equal(DefaultGreeting, greeting);
        var warning = Assert.Single(_events.Logged, e => e.Message.Contains("does not know", StringComparison.Ordinal));
        Assert.Equal((LogLevel.Warning, UnknownAgentEventId), (warning.Level, warning.EventId));
        Assert.DoesNotContain(_logs.Messages, m => m.Contains("runs agent", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_sideband_that_cannot_read_its_session_runs_the_agent_the_attach_named()
    {
        // The Functions app recorded and accepted the call for the sales agent, and said so in the attach; then storage
        // stops answering the worker's reads.
        _recordedAgent = "sales";
        _sessions.FailReads = true;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var result = await PlaceSipCallAsync(TimeSpan.FromSeconds(2), timeout.Token);
        var callId = "call-" + result.CallId;
        if (_runner.Running(callId) is { } running)
        {
            await running.WaitAsync(timeout.Token);
        }

        // Before, the sideband hung the accepted call up. Now it steers it: the sales agent's greeting, the caller's own
        // hang-up, and the session ended as any call's.
        Assert.Equal(1, result.SidebandCount);
        Assert.Equal(SalesGreeting, Assert.Single(result.Responses).Text);
        Assert.NotEqual(SipCallEnd.AppHungUp, result.End);
        var unread = Assert.Single(_events.Logged, e => e.EventId == SessionUnreadEventId);
        Assert.Equal(LogLevel.Warning, unread.Level);
        Assert.Contains("agent sales", unread.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_logs.Messages, m => m.Contains("did not attach", StringComparison.Ordinal));
        _sessions.FailReads = false;
        Assert.Equal(CallState.Ended, (await _sessions.GetAsync(callId, timeout.Token))!.State);
    }

    private async Task<(string Greeting, CallState State)> PlaceCallAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        // The silent caller's quiet clock starts at attach: it must outlast the sideband's greeting request on a busy machine.
        var result = await PlaceSipCallAsync(TimeSpan.FromSeconds(2), timeout.Token);
        Assert.Equal(1, result.AcceptCount);
        Assert.Equal(1, result.SidebandCount);
        var callId = "call-" + result.CallId;
        if (_runner.Running(callId) is { } running)
        {
            await running.WaitAsync(timeout.Token);
        }

        var greeting = Assert.Single(result.Responses);
        return (greeting.Text, (await _sessions.GetAsync(callId, timeout.Token))!.State);
    }

    private Task<SipCallResult> PlaceSipCallAsync(TimeSpan hangUpAfterAgentQuiet, CancellationToken cancellationToken) =>
        _simulator.PlaceSipCallAsync(new SipCallRequest
        {
            WebhookUrl = _webhookUrl,
            CallerStartDelay = TimeSpan.Zero,
            HangUpAfterAgentQuiet = hangUpAfterAgentQuiet,
            MaxCallDuration = TimeSpan.FromSeconds(20),
        }, cancellationToken);

    /// <summary>Keeps each line with its level and event id, which <see cref="CapturingLoggerProvider"/> leaves out.</summary>
    private sealed class EventIdLoggerProvider : ILoggerProvider
    {
        public ConcurrentQueue<(LogLevel Level, int EventId, string Message)> Logged { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(Logged);

        public void Dispose()
        {
        }

        private sealed class Logger(ConcurrentQueue<(LogLevel Level, int EventId, string Message)> logged) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                logged.Enqueue((logLevel, eventId.Id, formatter(state, exception)));
        }
    }
}
