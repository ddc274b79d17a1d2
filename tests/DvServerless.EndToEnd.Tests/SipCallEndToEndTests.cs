using System.Diagnostics.CodeAnalysis;
using System.Net;
using DvServerless.Cli.Calls;
using DvServerless.Cli.LocalStack;
using DvServerless.Core.Audio;
using DvServerless.Core.Calls;
using DvServerless.Functions.Sip;
using DvServerless.Simulators.Realtime;
using DvServerless.Simulators.Realtime.Sip;
using DvServerless.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace DvServerless.EndToEnd.Tests;

/// <summary>
/// OpenAI Realtime SIP end to end: Azurite, the Functions app (<c>SipIncoming</c>), the media worker (sideband) and the
/// Realtime simulator playing OpenAI (signed webhook, call REST, sideband by <c>call_id</c>, the caller on the SIP leg).
/// One local stack serves every test of the class; each test places its own call.
/// </summary>
public sealed class SipCallEndToEndTests : IClassFixture<SipCallEndToEndTests.SipStack>
{
    private const string TransferTarget = "tel:+14155550123";
    private const string SalesLine = "+14155550177";
    private const string SalesInstructions = "You are the Contoso sales line; offer the spring bundle.";
    private const string SalesTool = "book_demo";
    private static readonly string[] CallerLines = ["Hello there.", "What time do you close?"];

    private readonly SipStack _fixture;
    private readonly ITestOutputHelper _output;

    public SipCallEndToEndTests(SipStack fixture, ITestOutputHelper output)
    {
        _fixture = fixture;
        _output = output;
    }

    [SkippableFact]
    public async Task A_sip_call_is_accepted_once_greeted_answered_twice_recorded_and_ends()
    {
        Prerequisites.Require();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var stack = await _fixture.GetAsync(timeout.Token);
        _fixture.Reply = (turn, _) => turn == 0 ? "Hi, nice to hear you." : "We close at six.";

        var result = await stack.Realtime!.PlaceSipCallAsync(Request(stack.SipWebhookUrl), timeout.Token);

        Assert.Equal(SipCallEnd.CallerHungUp, result.End);
        Assert.Equal([200], result.WebhookAttempts);
        Assert.Equal(1, result.AcceptCount);
        Assert.Equal(1, result.SidebandCount);
        Assert.DoesNotContain("threshold", result.AcceptedSessionJson);

        var callId = SipIncomingService.SessionIdFor(result.CallId);
        var session = await FinalSession.ReadAsync(stack.Sessions, callId, timeout.Token);
        Assert.Equal(CallState.Ended, session.State);
        Assert.Equal([CallState.Ringing, CallState.Answering, CallState.Connected, CallState.Ended], session.History.Select(h => h.State));
        Assert.Equal(CallChannel.Sip, session.Channel);
        Assert.Equal(result.CallId, session.Metadata[SipSessionMetadata.OpenAICallId]);
        Assert.Equal(Headers("c-1").Select(h => h.Key), SipCallRunner.StoredHeaders(session).Select(h => h.Key));

        // The greeting, then two caller turns each answered.
        var turns = (await stack.Records.ReadAsync(callId, timeout.Token)).Where(r => r.Kind == "turn").OrderBy(r => r.StartMs).ToList();
        Assert.Equal(["agent", "caller", "agent", "caller", "agent"], turns.Select(t => t.Speaker));
        Assert.Equal(CallerLines, turns.Where(t => t.Speaker == "caller").Select(t => t.Text));
        Assert.Equal("We close at six.", turns[^1].Text);

        // The sideband feeds the same telemetry as a call loop: the call is priced and its turns timed on the sip channel.
        var cost = Assert.Single(await stack.Records.ReadAsync(callId, timeout.Token), r => r.Kind == "cost");
        Assert.True(cost.CostUsd > 0, "the SIP call was not priced");
        using var http = new HttpClient();
        var metrics = await http.GetStringAsync(stack.MetricsUrl, timeout.Token);
        Assert.Contains(metrics.Split('\n'), l => l.StartsWith("dvgw_e2e_latency_ms_count{", StringComparison.Ordinal) && l.Contains("channel=\"sip\"", StringComparison.Ordinal));

        var latency = SipCallRunner.WebhookToAcceptMs(session);
        _output.WriteLine($"webhook → accepted (session Ringing → Connected): {latency} ms");
        Assert.NotNull(latency);
    }

    [SkippableFact]
    public async Task Duplicate_and_concurrent_duplicate_webhooks_accept_once()
    {
        Prerequisites.Require();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var stack = await _fixture.GetAsync(timeout.Token);
        _fixture.Reply = (_, _) => "Sure.";
        await using var relay = await WebhookRelay.StartAsync(stack.SipWebhookUrl, timeout.Token);

        var result = await stack.Realtime!.PlaceSipCallAsync(Request(relay.Url, callerAudio: _fixture.ShortCaller), timeout.Token);

        Assert.Equal(1, result.AcceptCount);
        Assert.Equal(1, result.SidebandCount);
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK], relay.Statuses);
        var session = await FinalSession.ReadAsync(stack.Sessions, SipIncomingService.SessionIdFor(result.CallId), timeout.Token);
        Assert.Equal(CallState.Ended, session.State);
    }

    [SkippableFact]
    public async Task A_bad_signature_is_refused_with_400_and_nothing_is_accepted()
    {
        Prerequisites.Require();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var stack = await _fixture.GetAsync(timeout.Token);

        var result = await stack.Realtime!.PlaceSipCallAsync(new SipCallRequest
        {
            WebhookUrl = stack.SipWebhookUrl,
            WebhookSecret = "whsec_" + Convert.ToBase64String(new byte[32]),
            SipHeaders = Headers("c-3"),
            MaxWebhookAttempts = 2,
            WebhookRetryDelay = TimeSpan.FromMilliseconds(50),
        }, timeout.Token);

        Assert.Equal([400, 400], result.WebhookAttempts);
        Assert.Equal(0, result.AcceptCount);
        Assert.Equal(SipCallEnd.NotAnswered, result.End);
        Assert.Null(await stack.Sessions.GetAsync(SipIncomingService.SessionIdFor(result.CallId), timeout.Token));
    }

    [SkippableFact]
    public async Task A_reject_rule_rejects_with_its_configured_status()
    {
        Prerequisites.Require();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var stack = await _fixture.GetAsync(timeout.Token);

        var result = await stack.Realtime!.PlaceSipCallAsync(Request(stack.SipWebhookUrl, customerId: "blocked-9"), timeout.Token);

        Assert.Equal(SipCallEnd.Rejected, result.End);
        Assert.Equal(486, result.RejectStatus);
        Assert.Equal(0, result.AcceptCount);
        var session = await FinalSession.ReadAsync(stack.Sessions, SipIncomingService.SessionIdFor(result.CallId), timeout.Token);
        Assert.Equal(CallState.Ended, session.State);
        Assert.Contains("486", session.EndReason);
    }

    [SkippableFact]
    public async Task The_transfer_tool_refers_the_call_to_the_configured_target()
    {
        Prerequisites.Require();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var stack = await _fixture.GetAsync(timeout.Token);
        _fixture.Reply = (_, _) => """tool:transfer {"reason":"billing question"}""";

        var result = await stack.Realtime!.PlaceSipCallAsync(Request(stack.SipWebhookUrl, callerAudio: _fixture.ShortCaller), timeout.Token);

        Assert.Equal(SipCallEnd.Referred, result.End);
        Assert.Equal(TransferTarget, result.ReferTarget);
        var session = await FinalSession.ReadAsync(stack.Sessions, SipIncomingService.SessionIdFor(result.CallId), timeout.Token);
        Assert.Equal(CallState.Ended, session.State);
        Assert.StartsWith("transferred", session.EndReason);
    }

    [SkippableFact]
    public async Task Keys_a_sip_caller_presses_reach_the_agent_through_the_sideband_and_the_transcript()
    {
        Prerequisites.Require();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var stack = await _fixture.GetAsync(timeout.Token);
        _fixture.Reply = (_, heard) => heard.Contains("5 #", StringComparison.Ordinal) ? "You pressed five." : "Okay.";
        var realtime = stack.Realtime!;
        var earlier = realtime.Records.Sessions.Select(s => s.SessionId).ToHashSet();

        var placing = realtime.PlaceSipCallAsync(Request(stack.SipWebhookUrl, "c-keys"), timeout.Token);

        // Once this call's sideband has asked for its greeting, the caller presses 5 then #.
        RealtimeSessionRecord? sideband = null;
        await realtime.Records.WaitForAsync(r =>
        {
            sideband = r.Sessions.FirstOrDefault(s => s.CallId is not null && !earlier.Contains(s.SessionId));
            return sideband is not null && r.ClientEvents.Any(e => e.SessionId == sideband.SessionId && e.Type == "response.create");
        }, timeout.Token);
        Assert.True(realtime.SendSipDtmf(sideband!.CallId!, "5"));
        Assert.True(realtime.SendSipDtmf(sideband.CallId!, "#"));
        var result = await placing;

        Assert.Equal(SipCallEnd.CallerHungUp, result.End);
        Assert.Contains(realtime.Records.Transcripts, t => t.Role == "user" && t.Text.Contains("5 #", StringComparison.Ordinal));
        Assert.Contains(realtime.Records.Transcripts, t => t.Role == "assistant" && t.Text == "You pressed five.");
        var records = await stack.Records.ReadAsync(SipIncomingService.SessionIdFor(result.CallId), timeout.Token);
        Assert.Contains(records, r => r is { Kind: "turn", Speaker: "caller", Text: "[keypad] 5 #" });
    }

    [SkippableFact]
    public async Task A_sip_calls_agent_runs_a_configured_http_tool_declared_on_the_sideband_and_hears_its_answer()
    {
        Prerequisites.Require();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var stack = await _fixture.GetAsync(timeout.Token);
        _fixture.Reply = (_, _) => "tool:" + SipStack.ToolName + " {\"order\":\"42\"}";
        var realtime = stack.Realtime!;
        var earlier = realtime.Records.Sessions.Select(s => s.SessionId).ToHashSet();
        var calledBefore = _fixture.ToolRequests.Count;

        var result = await realtime.PlaceSipCallAsync(Request(stack.SipWebhookUrl, "c-tool", callerAudio: _fixture.ShortCaller), timeout.Token);

        Assert.Equal(SipCallEnd.CallerHungUp, result.End);
        var sideband = Assert.Single(realtime.Records.Sessions, s => s.CallId == result.CallId && !earlier.Contains(s.SessionId));
        // The accept named only end_call and transfer: the sideband declared the whole list, and the service took it.
        Assert.Contains(realtime.Records.ClientEvents, e => e.SessionId == sideband.SessionId && e is { Type: "session.update", EventId: DvServerless.Adapters.Engines.Realtime.RealtimeEngine.SessionToolsEventId });
        Assert.DoesNotContain(realtime.Records.Errors, e => e.SessionId == sideband.SessionId);

        // The tool got the model's arguments, signed with its secret, keyed by the tool call; its answer went back to the model.
        var request = Assert.Single(_fixture.ToolRequests.Skip(calledBefore));
        Assert.Equal("{\"order\":\"42\"}", request.Body);
        var t = long.Parse(request.Signature.Split(',')[0]["t=".Length..], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(DvServerless.MediaWorker.Calls.Tools.HttpToolSignature.Create(SipStack.ToolSecret, DateTimeOffset.FromUnixTimeSeconds(t), System.Text.Encoding.UTF8.GetBytes(request.Body)), request.Signature);
        Assert.StartsWith("call_", request.IdempotencyKey, StringComparison.Ordinal);
        var toolAt = realtime.Records.ClientEvents.Where(e => e.SessionId == sideband.SessionId && e.Type == "conversation.item.create").Select(e => e.ReceivedAt).ToList();
        Assert.NotEmpty(toolAt);
        Assert.Contains(realtime.Records.ClientEvents, e => e.SessionId == sideband.SessionId && e.Type == "response.create" && e.ReceivedAt >= toolAt[^1]);
    }

    [SkippableFact]
    public async Task A_sip_call_to_a_named_agents_number_is_accepted_and_steered_as_that_agent()
    {
        Prerequisites.Require();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var stack = await _fixture.GetAsync(timeout.Token);
        _fixture.Reply = (_, _) => "Sure.";
        var realtime = stack.Realtime!;
        var earlier = realtime.Records.Sessions.Select(s => s.SessionId).ToHashSet();

        var result = await realtime.PlaceSipCallAsync(Request(stack.SipWebhookUrl, "c-sales", _fixture.ShortCaller, "<sip:" + SalesLine + "@sip.api.openai.com>"), timeout.Token);

        Assert.Equal(SipCallEnd.CallerHungUp, result.End);
        Assert.Equal(1, result.AcceptCount);
        // The Functions app accepted with the sales agent (Sip:RouteByCalledParty, Agents:sales:PhoneNumbers) and said so.
        var accepted = System.Text.Json.Nodes.JsonNode.Parse(result.AcceptedSessionJson!)!;
        Assert.Equal(SalesInstructions, (string?)accepted["instructions"]);
        Assert.Equal("cedar", (string?)accepted["audio"]!["output"]!["voice"]);
        Assert.Equal([SalesTool], accepted["tools"]!.AsArray().Select(t => (string?)t!["name"]));
        var session = await FinalSession.ReadAsync(stack.Sessions, SipIncomingService.SessionIdFor(result.CallId), timeout.Token);
        Assert.Equal("sales", CallSessionAgent.Of(session));
        Assert.Equal(CallState.Ended, session.State);

        // The worker's sideband ran the sales agent too: the default agent's HTTP tool list would have been declared over
        // the accept's (as on every other call of this stack); the sales agent's own list stands. It greeted the caller.
        var sideband = Assert.Single(realtime.Records.Sessions, s => s.CallId == result.CallId && !earlier.Contains(s.SessionId));
        Assert.DoesNotContain(realtime.Records.ClientEvents, e => e.SessionId == sideband.SessionId && e.Type == "session.update");
        Assert.Contains(realtime.Records.ClientEvents, e => e.SessionId == sideband.SessionId && e.Type == "response.create");
        var turns = (await stack.Records.ReadAsync(session.CallId, timeout.Token)).Where(r => r.Kind == "turn").OrderBy(r => r.StartMs).ToList();
        Assert.Equal("agent", turns[0].Speaker);
    }

    private SipCallRequest Request(Uri webhookUrl, string customerId = "c-1", ReadOnlyMemory<byte>? callerAudio = null, string? to = null) => new()
    {
        WebhookUrl = webhookUrl,
        WebhookSecret = SipSimulatorDefaults.WebhookSecret,
        SipHeaders = Headers(customerId, to),
        CallerAudio = callerAudio ?? _fixture.Caller,
        HangUpAfterAgentQuiet = TimeSpan.FromSeconds(1.5),
        MaxCallDuration = TimeSpan.FromSeconds(40),
    };

    private static IReadOnlyList<KeyValuePair<string, string>> Headers(string customerId, string? to = null) =>
    [
        new("From", "\"Caller\" <sip:+14155550100@trunk.example.com>;tag=e2e"),
        new("To", to ?? "<sip:+14155550199@sip.api.openai.com>"),
        new("Call-ID", "e2e-" + customerId + "@trunk.example.com"),
        new("X-Customer-Id", customerId),
    ];

    /// <summary>One local stack (rules and transfer target configured) and the synthesized caller, started on first use.</summary>
    [SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "It is a stack: a LocalStack for SIP calls.")]
    public sealed class SipStack : IAsyncLifetime, IDisposable
    {
        /// <summary>The HTTP tool every call of the stack's agent can run.</summary>
        public const string ToolName = "lookup_order";

        /// <summary>The tool's signing secret (a test value).</summary>
        public const string ToolSecret = "e2e-tool-secret-0123456789";

        private readonly SemaphoreSlim _gate = new(1, 1);
        private readonly List<ToolRequest> _toolRequests = [];
        private LocalStack? _stack;
        private WebApplication? _toolServer;

        /// <summary>What the tool server received, in order.</summary>
        public IReadOnlyList<ToolRequest> ToolRequests { get { lock (_toolRequests) { return _toolRequests.ToArray(); } } }

        /// <summary>What the simulated agent answers; each test sets its own.</summary>
        public Func<int, string, string> Reply { get; set; } = (_, _) => "Okay.";

        public ReadOnlyMemory<byte> Caller { get; private set; }

        public ReadOnlyMemory<byte> ShortCaller { get; private set; }

        public async Task<LocalStack> GetAsync(CancellationToken cancellationToken)
        {
            await _gate.WaitAsync(cancellationToken);
            try
            {
                if (_stack is null)
                {
                    Caller = await CallerAudioSynthesizer.SynthesizeAsync(CallerLines, TimeSpan.FromMilliseconds(2500), AudioFormat.Pcm24k, cancellationToken);
                    ShortCaller = await CallerAudioSynthesizer.SynthesizeAsync([CallerLines[0]], TimeSpan.Zero, AudioFormat.Pcm24k, cancellationToken);
                    var toolUrl = await StartToolServerAsync(cancellationToken);
                    _stack = await LocalStack.StartAsync(new LocalStackOptions
                    {
                        CallerTranscripts = CallerLines,
                        AgentReply = (turn, text) => Reply(turn, text),
                        Environment = new Dictionary<string, string?>(), // never a real engine in tests
                        ToolsSearchRoot = RepositoryPaths.Root,
                        AppSettings = new Dictionary<string, string?>
                        {
                            ["Sip:Rules:0:Header"] = "X-Customer-Id",
                            ["Sip:Rules:0:Contains"] = "blocked",
                            ["Sip:Rules:0:Status"] = "486",
                            ["Sip:TransferTarget"] = TransferTarget,
                            // The default To (+14155550199) is no agent's number: only the sales test's calls run sales.
                            ["Sip:RouteByCalledParty"] = "true",
                            ["Agents:sales:Instructions"] = SalesInstructions,
                            ["Agents:sales:Voice"] = "cedar",
                            ["Agents:sales:PhoneNumbers:0"] = SalesLine,
                            ["Agents:sales:Tools:0:Name"] = SalesTool,
                            ["Agents:sales:Tools:0:Description"] = "Books a product demo.",
                            [$"Agent:Tools:{ToolName}:Url"] = toolUrl.ToString(),
                            [$"Agent:Tools:{ToolName}:Description"] = "Looks an order up by its number.",
                            [$"Agent:Tools:{ToolName}:ParametersJsonSchema"] = "{\"type\":\"object\",\"properties\":{\"order\":{\"type\":\"string\"}}}",
                            [$"Agent:Tools:{ToolName}:Secret"] = ToolSecret,
                        },
                    }, _ => { }, cancellationToken);
                }

                return _stack;
            }
            finally
            {
                _gate.Release();
            }
        }

        public Task InitializeAsync() => Task.CompletedTask;

        public async Task DisposeAsync()
        {
            if (_stack is not null)
            {
                await _stack.DisposeAsync();
            }

            if (_toolServer is not null)
            {
                await _toolServer.DisposeAsync();
            }
        }

        private async Task<Uri> StartToolServerAsync(CancellationToken cancellationToken)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            _toolServer = builder.Build();
            _toolServer.MapPost("/tool", async (HttpContext context) =>
            {
                using var reader = new StreamReader(context.Request.Body);
                var body = await reader.ReadToEndAsync();
                lock (_toolRequests)
                {
                    _toolRequests.Add(new ToolRequest(body, context.Request.Headers["X-Dvs-Signature"].ToString(), context.Request.Headers["Idempotency-Key"].ToString()));
                }

                return Results.Json(new { status = "shipped" });
            });
            await _toolServer.StartAsync(cancellationToken);
            var address = _toolServer.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new Uri(new Uri(address), "/tool");
        }

        /// <summary>Releases the start-up gate (xUnit calls this besides <see cref="DisposeAsync"/>, which stops the stack).</summary>
        public void Dispose() => _gate.Dispose();
    }

    /// <summary>One request the test's HTTP tool received.</summary>
    public sealed record ToolRequest(string Body, string Signature, string IdempotencyKey);

    /// <summary>
    /// Stands between the simulator and the Functions app and delivers each webhook three times, byte for byte: two
    /// copies at once, then one more after both were answered — what retries and a concurrent redelivery look like.
    /// </summary>
    private sealed class WebhookRelay : IAsyncDisposable
    {
        private static readonly string[] WebhookHeaders = ["webhook-id", "webhook-timestamp", "webhook-signature"];
        private readonly WebApplication _app;
        private readonly HttpClient _http = new();
        private readonly List<HttpStatusCode> _statuses = [];

        private WebhookRelay(WebApplication app) => _app = app;

        public Uri Url { get; private set; } = null!;

        public IReadOnlyList<HttpStatusCode> Statuses { get { lock (_statuses) { return _statuses.ToArray(); } } }

        public static async Task<WebhookRelay> StartAsync(Uri target, CancellationToken cancellationToken)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var relay = new WebhookRelay(app);
            app.MapPost("/", async (HttpContext context) =>
            {
                using var body = new MemoryStream();
                await context.Request.Body.CopyToAsync(body);
                var headers = WebhookHeaders
                    .Select(name => (name, value: context.Request.Headers[name].ToString())).ToArray();
                var concurrent = await Task.WhenAll(relay.ForwardAsync(target, body.ToArray(), headers), relay.ForwardAsync(target, body.ToArray(), headers));
                await relay.ForwardAsync(target, body.ToArray(), headers);
                return Results.StatusCode((int)concurrent[0]);
            });
            await app.StartAsync(cancellationToken);
            relay.Url = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");
            return relay;
        }

        public async ValueTask DisposeAsync()
        {
            _http.Dispose();
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        private async Task<HttpStatusCode> ForwardAsync(Uri target, byte[] body, (string Name, string Value)[] headers)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, target) { Content = new ByteArrayContent(body) };
            request.Content.Headers.TryAddWithoutValidation("content-type", "application/json");
            foreach (var (name, value) in headers)
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }

            using var response = await _http.SendAsync(request);
            lock (_statuses)
            {
                _statuses.Add(response.StatusCode);
            }

            return response.StatusCode;
        }
    }
}
