using System.Diagnostics.CodeAnalysis;
using DvServerless.Adapters.Engines.Realtime;
using DvServerless.Adapters.OpenAI.Calls;
using DvServerless.Core.Calls;
using DvServerless.Core.Engines;
using DvServerless.Core.Hosting;
using DvServerless.MediaWorker.Calls;
using DvServerless.MediaWorker.Hosting;
using DvServerless.MediaWorker.Sip;
using DvServerless.MediaWorker.Tests.Fakes;
using DvServerless.Simulators.Realtime;
using DvServerless.Simulators.Realtime.Sip;
using DvServerless.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace DvServerless.MediaWorker.Tests.Sip;

/// <summary>
/// A silent caller on an OpenAI SIP call, through a real sideband WebSocket to the Realtime simulator (which places the
/// call and accepts it as OpenAI would): the agent is told to ask whether the caller is there, then to say the goodbye,
/// and the sideband hangs up once it played, ending the session as "caller silent".
/// </summary>
[SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable", Justification = "xUnit v2 disposes test classes through IAsyncLifetime.DisposeAsync, which this rule does not know; it releases the fields.")]
public sealed class SidebandLimitsTests : IAsyncLifetime
{
    private const string Goodbye = "Nobody is on the line, so goodbye.";
    private const string Prompt = "Are you still there?";

    private readonly InMemoryCallSessionStore _sessions = new();
    private readonly ActiveCalls _calls = new();
    private readonly HttpClient _http = new();
    private RealtimeSimulator _simulator = null!;
    private SipAttachingReceiver _receiver = null!;
    private SidebandCallRunner _runner = null!;
    private Uri _webhookUrl = null!;

    public async Task InitializeAsync()
    {
        // The simulated agent answers the prompt note with a question, and the goodbye note with the goodbye it names.
        _simulator = await RealtimeSimulator.StartAsync(new RealtimeSimulatorOptions
        {
            GenerationSpeed = 20,
            SystemNoteReply = note => note.Contains(Goodbye, StringComparison.Ordinal) ? Goodbye : Prompt,
        });
        var realtime = new RealtimeEngineOptions
        {
            Service = RealtimeServiceKind.Simulator, BaseUrl = new Uri(_simulator.BaseUrl), ApiKey = LocalDefaults.RealtimeSimulatorApiKey,
        };
        var agent = new AgentOptions { Silence = new AgentSilenceOptions { PromptAfterSeconds = 1, Prompts = 1, Goodbye = Goodbye } };
        var control = new OpenAICallControlClient(_http, realtime);
        _runner = new SidebandCallRunner(new RealtimeEngineFactory(Options.Create(realtime), NullLoggerFactory.Instance), agent, control, new RecordingCallRecordSink(),
            _sessions, _calls, Options.Create(new SipSidebandOptions()), TimeProvider.System, NullLogger<SidebandCallRunner>.Instance);

        // Plays the Functions app: accepts the call, records the session and attaches.
        _receiver = await SipAttachingReceiver.StartAsync(control, agent, _sessions, _runner);
        _webhookUrl = _receiver.WebhookUrl;
    }

    public async Task DisposeAsync()
    {
        await _receiver.DisposeAsync();
        await _simulator.DisposeAsync();
        _calls.Dispose();
        _http.Dispose();
    }

    [Fact]
    public async Task A_silent_sip_caller_is_prompted_then_said_goodbye_to_and_hung_up_as_caller_silent()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(40));
        var result = await _simulator.PlaceSipCallAsync(new SipCallRequest
        {
            WebhookUrl = _webhookUrl,
            CallerStartDelay = TimeSpan.Zero,
            // The caller never speaks and would stay on far longer: only the agent's silence handling can end the call.
            HangUpAfterAgentQuiet = TimeSpan.FromSeconds(25),
            MaxCallDuration = TimeSpan.FromSeconds(30),
        }, timeout.Token);
        var callId = "call-" + result.CallId;
        if (_runner.Running(callId) is { } running)
        {
            await running.WaitAsync(timeout.Token);
        }

        Assert.Equal(SipCallEnd.AppHungUp, result.End);
        var notes = result.Transcripts.Where(t => t.Role == "system").Select(t => t.Text).ToList();
        Assert.Equal(2, notes.Count);
        Assert.Equal(CallLimits.SilenceNote, notes[0]);
        Assert.Contains(Goodbye, notes[1], StringComparison.Ordinal);
        // The greeting, the prompt, the goodbye: the agent said each once.
        Assert.Equal([Prompt, Goodbye], result.Responses.Skip(1).Select(r => r.Text));

        var session = await _sessions.GetAsync(callId, timeout.Token);
        Assert.Equal(CallState.Ended, session!.State);
        Assert.Equal(CallLimitEndReasons.CallerSilent, session.EndReason);
    }
}
