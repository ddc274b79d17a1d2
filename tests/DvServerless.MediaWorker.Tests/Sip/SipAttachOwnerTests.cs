using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using DvServerless.Adapters.Commands;
using DvServerless.Adapters.Engines.Realtime;
using DvServerless.Adapters.OpenAI.Calls;
using DvServerless.Core.Calls;
using DvServerless.Core.Engines;
using DvServerless.Core.Hosting;
using DvServerless.Core.Records;
using DvServerless.Core.Security;
using DvServerless.MediaWorker.Commands;
using DvServerless.MediaWorker.Hosting;
using DvServerless.MediaWorker.Tests.Fakes;
using DvServerless.MediaWorker.Tests.Internal;
using DvServerless.Simulators.Realtime;
using DvServerless.Simulators.Realtime.Sip;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace DvServerless.MediaWorker.Tests.Sip;

/// <summary>
/// Who a SIP call belongs to reaches the worker's sideband by either path the Functions app attaches it (the internal
/// route's token, the replica queue's message): with its session unreadable, the call still runs the agent the attach named.
/// The real worker on Kestrel and a real sideband to the Realtime simulator, which places and accepts the SIP call.
/// </summary>
[SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable", Justification = "xUnit v2 disposes test classes through IAsyncLifetime.DisposeAsync, which this rule does not know; it releases the fields.")]
public sealed class SipAttachOwnerTests : IAsyncLifetime
{
    private const string SalesGreeting = "Greet the caller as the Contoso sales line.";

    private readonly ReadFailingSessionStore _sessions = new() { FailReads = true };
    private readonly HttpClient _http = new();
    private RealtimeSimulator _simulator = null!;
    private WebApplication _worker = null!;

    public async Task InitializeAsync()
    {
        _simulator = await RealtimeSimulator.StartAsync(new RealtimeSimulatorOptions { GenerationSpeed = 20, InstructedReply = i => i });
        _worker = await InternalWorker.StartWorkerAsync(new Dictionary<string, string?>
        {
            ["OpenAI:BaseUrl"] = _simulator.BaseUrl.TrimEnd('/'),
            ["OpenAI:ApiKey"] = LocalDefaults.RealtimeSimulatorApiKey,
            ["Agent:GreetingInstructions"] = "Greet the caller as the Contoso switchboard.",
            ["Agents:sales:Instructions"] = "You are the Contoso sales line.",
            ["Agents:sales:GreetingInstructions"] = SalesGreeting,
        }, builder =>
        {
            builder.Services.RemoveAll<ICallSessionStore>();
            builder.Services.AddSingleton<ICallSessionStore>(_sessions);
            // No storage runs here: the call's records and its end (minutes) stay in memory, not retried against Azurite.
            builder.Services.RemoveAll<ICallRecordSink>();
            builder.Services.AddSingleton<ICallRecordSink>(new RecordingCallRecordSink());
            builder.Services.RemoveAll<DvServerless.MediaWorker.Records.WorkerCallEnd>();
        });
    }

    public async Task DisposeAsync()
    {
        await _worker.StopAsync();
        await _worker.DisposeAsync();
        await _simulator.DisposeAsync();
        _http.Dispose();
    }

    [Theory]
    [InlineData("internal route")]
    [InlineData("replica queue")]
    public async Task With_the_session_unreadable_the_sideband_runs_the_agent_the_attach_named(string path)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var realtime = new RealtimeEngineOptions
        {
            Service = RealtimeServiceKind.Simulator, BaseUrl = new Uri(_simulator.BaseUrl), ApiKey = LocalDefaults.RealtimeSimulatorApiKey,
        };
        var control = new OpenAICallControlClient(_http, realtime);
        var tokens = _worker.Services.GetRequiredService<MediaTokenService>();
        var internalPort = _worker.Services.GetRequiredService<InternalPort>().LocalBaseUrl;
        await using var receiver = await SipAttachingReceiver.StartAsync(control, new AgentOptions(), _sessions, async (callId, sipCallId, owner) =>
        {
            if (path == "internal route")
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(internalPort, "/internal/sip/attach"))
                {
                    Content = JsonContent.Create(new { callId, sipCallId }),
                };
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens.Issue(callId, TimeSpan.FromMinutes(1), MediaTokenPurpose.SipAttach, sipCallId, owner));
                using var response = await _http.SendAsync(request);
                Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            }
            else
            {
                var message = new CallCommandMessage(CallCommandMessage.NewId(), callId, SipQueueMessages.Attach, DateTimeOffset.UtcNow.AddSeconds(5),
                    SipCallId: sipCallId, Owner: owner);
                // As read off the queue: the text, parsed.
                Assert.True(CallCommandMessage.TryParse(message.ToJson(), out var read));
                var reply = _worker.Services.GetRequiredService<SipSeatCommands>().Execute(read!, fromSharedQueue: false);
                Assert.Equal(CallCommandReplyStatus.Done, reply?.Status);
            }
        }, session => session.Metadata[CallSessionAgent.MetadataKey] = "sales");

        var result = await _simulator.PlaceSipCallAsync(new SipCallRequest
        {
            WebhookUrl = receiver.WebhookUrl,
            CallerStartDelay = TimeSpan.Zero,
            HangUpAfterAgentQuiet = TimeSpan.FromSeconds(2),
            MaxCallDuration = TimeSpan.FromSeconds(20),
        }, timeout.Token);

        Assert.Equal(1, result.SidebandCount);
        Assert.Equal(SalesGreeting, Assert.Single(result.Responses).Text);
        Assert.NotEqual(SipCallEnd.AppHungUp, result.End);
    }
}
