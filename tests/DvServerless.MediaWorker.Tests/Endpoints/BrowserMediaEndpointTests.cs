using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using DvServerless.Core.Calls;
using DvServerless.Core.Engines;
using DvServerless.Core.Security;
using DvServerless.MediaWorker.Calls;
using DvServerless.MediaWorker.Tests.Fakes;
using Microsoft.Extensions.DependencyInjection;

namespace DvServerless.MediaWorker.Tests.Endpoints;

/// <summary>The browser leg over a real loopback socket: the real worker, a scripted engine, sessions in memory.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable", Justification = "xUnit v2 disposes test classes through IAsyncLifetime.DisposeAsync, which this rule does not know; it releases the fields.")]
public sealed class BrowserMediaEndpointTests : IAsyncLifetime
{
    private readonly HttpClient _http = new();
    private MediaWorkerServer _server = null!;

    public async Task InitializeAsync() => _server = await MediaWorkerServer.StartAsync();

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    private MediaTokenService Tokens => _server.App.Services.GetRequiredService<MediaTokenService>();

    private string Token(string sessionId, MediaTokenPurpose purpose = MediaTokenPurpose.BrowserMedia) => Tokens.Issue(sessionId, TimeSpan.FromMinutes(5), purpose);

    private async Task<string> CreateSessionAsync(Dictionary<string, string>? metadata = null, CallState state = CallState.Ringing)
    {
        var id = "web-" + Guid.NewGuid().ToString("N");
        var session = new CallSession { CallId = id, Channel = CallChannel.Browser, TenantId = "t1", State = state, CreatedAt = DateTimeOffset.UtcNow };
        foreach (var (key, value) in metadata ?? [])
        {
            session.Metadata[key] = value;
        }

        Assert.True(await _server.Sessions.TryCreateAsync(session));
        return id;
    }

    private async Task<HttpStatusCode> UpgradeStatusAsync(string query)
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        try
        {
            await socket.ConnectAsync(_server.BrowserSocketUri(query), CancellationToken.None);
            return HttpStatusCode.SwitchingProtocols;
        }
        catch (WebSocketException)
        {
            return socket.HttpStatusCode;
        }
    }

    private Task<BrowserPageClient> ConnectAsync(string sessionId, bool debug = false) =>
        BrowserPageClient.ConnectAsync(_server.BrowserSocketUri($"token={Uri.EscapeDataString(Token(sessionId))}{(debug ? "&debug=1" : string.Empty)}"));

    private async Task<ScriptedEngine> EngineAsync()
    {
        for (var i = 0; i < 500; i++)
        {
            lock (_server.Engines.Created)
            {
                if (_server.Engines.Created.Count > 0)
                {
                    return _server.Engines.Created[^1];
                }
            }

            await Task.Delay(10);
        }

        throw new TimeoutException("No engine was created.");
    }

    [Fact]
    public async Task Upgrades_are_refused_with_the_documented_status_and_change_nothing()
    {
        var id = await CreateSessionAsync();
        var other = await CreateSessionAsync();
        var ended = await CreateSessionAsync(state: CallState.Ended);
        var before = _server.Sessions.Raw(id);

        Assert.Equal(HttpStatusCode.Unauthorized, await UpgradeStatusAsync(string.Empty));
        Assert.Equal(HttpStatusCode.Forbidden, await UpgradeStatusAsync("token=not-a-token"));
        Assert.Equal(HttpStatusCode.Forbidden, await UpgradeStatusAsync($"token={Uri.EscapeDataString(Token(id, MediaTokenPurpose.AcsMedia))}"));
        Assert.Equal(HttpStatusCode.Forbidden, await UpgradeStatusAsync($"token={Uri.EscapeDataString(Token(id, MediaTokenPurpose.BrowserControl))}"));
        Assert.Equal(HttpStatusCode.Forbidden, await UpgradeStatusAsync($"sessionId={id}&token={Uri.EscapeDataString(Token(other))}"));
        Assert.Equal(HttpStatusCode.NotFound, await UpgradeStatusAsync($"token={Uri.EscapeDataString(Token("web-" + new string('0', 32)))}"));
        Assert.Equal(HttpStatusCode.Conflict, await UpgradeStatusAsync($"token={Uri.EscapeDataString(Token(ended))}"));

        Assert.Equal(before, _server.Sessions.Raw(id));
        Assert.Empty(_server.Engines.Created);
    }

    [Fact]
    public async Task A_used_token_is_refused_and_a_second_leg_for_a_live_session_is_refused()
    {
        var id = await CreateSessionAsync();
        var token = Uri.EscapeDataString(Token(id));
        await using var page = await BrowserPageClient.ConnectAsync(_server.BrowserSocketUri($"token={token}"));
        await page.WaitForAsync("SESSION_CREATED");

        Assert.Equal(HttpStatusCode.Forbidden, await UpgradeStatusAsync($"token={token}"));
        Assert.Equal(HttpStatusCode.Conflict, await UpgradeStatusAsync($"token={Uri.EscapeDataString(Token(id))}"));
        Assert.Single(_server.Engines.Created);
    }

    [Fact]
    public async Task A_session_streams_audio_publishes_transcripts_interrupts_takes_commands_and_ends_on_stop()
    {
        var id = await CreateSessionAsync();
        await using var page = await ConnectAsync(id, debug: true);
        var created = await page.WaitForAsync("SESSION_CREATED");
        Assert.Equal(id, created.GetProperty("sessionId").GetString());
        Assert.Equal("SESSION_CREATED", page.Events()[0].GetProperty("type").GetString());
        var engine = await EngineAsync();
        Assert.Equal(CallState.Connected, (await _server.Sessions.GetAsync(id))!.State);

        // Caller audio reaches the engine as sent (PCM16 24 kHz both sides: pass-through).
        var frame = Enumerable.Range(0, 960).Select(i => (byte)i).ToArray();
        await page.SendAudioAsync(frame);
        await engine.WhenAudioReceivedAsync(960);
        Assert.Equal(frame, engine.ReceivedAudio[..960]);

        engine.Emit(new CallerTranscript("item-u1", "Hello there."));
        var user = await page.WaitForAsync("USER_MESSAGE");
        Assert.Equal(("Hello there.", "item-u1", true), (user.GetProperty("content").GetString(), user.GetProperty("segmentId").GetString(), user.GetProperty("final").GetBoolean()));

        // The agent answers: audio frames and a growing transcript.
        engine.Emit(new ResponseStarted("resp-1"));
        engine.Emit(new AgentTranscriptDelta("resp-1", "item-a1", "Hi, "));
        engine.Emit(new AgentTranscriptDelta("resp-1", "item-a1", "how can I help?"));
        engine.Emit(new AgentAudioDelta("resp-1", "item-a1", 0, new byte[48_000])); // 1 s
        var partial = await page.WaitForAsync("ROBOT_MESSAGE", e => e.GetProperty("content").GetString() == "Hi, how can I help?");
        Assert.False(partial.GetProperty("final").GetBoolean());
        await page.WaitForAudioAsync(4800);
        await page.WaitForAsync("FLOW_DEBUG", e => e.GetProperty("event").GetString() == "agent_audio_delta");

        // The caller speaks over the agent: INTERRUPT names the item and where it was cut.
        engine.Emit(new CallerSpeechStarted(1000, "item-u2"));
        var interrupt = await page.WaitForAsync("INTERRUPT");
        Assert.Equal("item-a1", interrupt.GetProperty("itemId").GetString());
        var audioEndMs = interrupt.GetProperty("audioEndMs").GetInt32();
        Assert.InRange(audioEndMs, 0, 1000);
        for (var i = 0; i < 500 && engine.Truncates.Count == 0; i++)
        {
            await Task.Delay(10);
        }

        Assert.Equal(("item-a1", 0, audioEndMs), Assert.Single(engine.Truncates));

        // Typed text goes to the engine; muted audio does not.
        await page.SendTextAsync("""{"type":"text","text":"What time is it?"}""");
        await page.SendTextAsync("""{"type":"audio","enabled":false}""");
        await page.SendAudioAsync(frame);
        await page.SendTextAsync("""{"type":"audio","enabled":true}""");
        var unmuted = Enumerable.Repeat((byte)7, 960).ToArray();
        await page.SendAudioAsync(unmuted);
        await engine.WhenAudioReceivedAsync(1920);
        Assert.Equal(unmuted, engine.ReceivedAudio[960..1920]);
        for (var i = 0; i < 500 && engine.UserTexts.Count == 0; i++)
        {
            await Task.Delay(10);
        }

        Assert.Equal(["What time is it?"], engine.UserTexts);

        await page.SendTextAsync("""{"type":"stop"}""");
        var end = await page.WaitForAsync("SESSION_ENDED");
        Assert.Equal("stopped", end.GetProperty("reason").GetString());
        await page.WhenClosedAsync();
        Assert.Equal(WebSocketCloseStatus.NormalClosure, page.CloseStatus);
        Assert.Equal("SESSION_ENDED", page.Events()[^1].GetProperty("type").GetString());

        var session = await WaitForStateAsync(id, CallState.Ended);
        Assert.Equal([CallState.Answering, CallState.Connected, CallState.Ended], session.History.Select(h => h.State));
        Assert.Equal("stopped", session.EndReason);
        Assert.Contains(_server.Records.Entries, r => r.Kind == "barge-in" && r.AudioEndMs == audioEndMs);
    }

    [Theory]
    [InlineData("odd", WebSocketCloseStatus.PolicyViolation)]
    [InlineData("oversize", WebSocketCloseStatus.PolicyViolation)]
    [InlineData("""{"type":"dance"}""", WebSocketCloseStatus.InvalidPayloadData)]
    [InlineData("""{"type":"audio"}""", WebSocketCloseStatus.InvalidPayloadData)]
    [InlineData("not json", WebSocketCloseStatus.InvalidPayloadData)]
    [InlineData("big-text", WebSocketCloseStatus.PolicyViolation)]
    public async Task Bad_input_closes_the_socket_with_a_reason_and_reaches_nothing(string input, WebSocketCloseStatus expected)
    {
        var id = await CreateSessionAsync();
        await using var page = await ConnectAsync(id);
        await page.WaitForAsync("SESSION_CREATED");
        var engine = await EngineAsync();

        switch (input)
        {
            case "odd":
                await page.SendAudioAsync(new byte[961]);
                break;
            case "oversize":
                await page.SendAudioAsync(new byte[64 * 1024 + 2]);
                break;
            case "big-text":
                await page.SendTextAsync("""{"type":"text","text":" """ + new string('a', 20_000) + "\"}");
                break;
            default:
                await page.SendTextAsync(input);
                break;
        }

        await page.WhenClosedAsync();
        Assert.Equal(expected, page.CloseStatus);
        Assert.False(string.IsNullOrEmpty(page.CloseReason));
        Assert.Empty(engine.ReceivedAudio);
        Assert.Empty(engine.UserTexts);
        Assert.Empty(engine.Truncates);
    }

    [Fact]
    public async Task Max_duration_ends_the_session_with_its_reason()
    {
        var id = await CreateSessionAsync(new() { [BrowserSessionMetadata.MaxDuration] = "1" });
        await using var page = await ConnectAsync(id);
        var end = await page.WaitForAsync("SESSION_ENDED", timeoutMs: 5000);
        Assert.Equal("max_duration", end.GetProperty("reason").GetString());
        Assert.Equal("max_duration", (await WaitForStateAsync(id, CallState.Ended)).EndReason);
    }

    [Fact]
    public async Task A_welcome_is_said_by_the_agent_first()
    {
        var id = await CreateSessionAsync(new() { [BrowserSessionMetadata.Welcome] = "Welcome to Contoso!" });
        await using var page = await ConnectAsync(id);
        await page.WaitForAsync("SESSION_CREATED");
        var engine = await EngineAsync();
        for (var i = 0; i < 500 && engine.ResponsesCreated.Count == 0; i++)
        {
            await Task.Delay(10);
        }

        Assert.Contains("Welcome to Contoso!", Assert.Single(engine.ResponsesCreated));
    }

    [Fact]
    public async Task The_session_runs_the_agent_it_asked_for_and_others_the_default_one()
    {
        var sales = await CreateSessionAsync(new() { [CallSessionAgent.MetadataKey] = "sales" });
        await using (var page = await ConnectAsync(sales))
        {
            await page.WaitForAsync("SESSION_CREATED");
            await EngineAsync();
            // The live call knows its agent, so a say into it speaks in that agent's voice.
            var live = _server.App.Services.GetRequiredService<LiveCalls>();
            for (var i = 0; i < 500 && live.Find(sales) is null; i++)
            {
                await Task.Delay(10);
            }

            Assert.Equal("sales", live.Find(sales)?.AgentId);
        }

        var plain = await CreateSessionAsync();
        await using (var page = await ConnectAsync(plain))
        {
            await page.WaitForAsync("SESSION_CREATED");
            for (var i = 0; i < 500 && _server.Engines.Agents.Count < 2; i++)
            {
                await Task.Delay(10);
            }
        }

        Assert.Equal("You sell things.", _server.Engines.Agents[0].Instructions);
        Assert.NotEqual("You sell things.", _server.Engines.Agents[1].Instructions);
    }

    [Fact]
    public async Task Control_routes_need_the_sessions_control_token_and_act_on_the_live_leg()
    {
        var id = await CreateSessionAsync();
        string Control() => Token(id, MediaTokenPurpose.BrowserControl);
        var control = Control();
        Assert.Equal(HttpStatusCode.Unauthorized, (await ControlAsync(id, "interrupt", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await ControlAsync(id, "interrupt", Token(id))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await ControlAsync(id, "interrupt", Token(await CreateSessionAsync(), MediaTokenPurpose.BrowserControl))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await ControlAsync(id, "interrupt", control)).StatusCode);
        // Each control token is used once: the Functions app mints one per request, so a second use is a replay.
        Assert.Equal(HttpStatusCode.Forbidden, (await ControlAsync(id, "interrupt", control)).StatusCode);

        await using var page = await ConnectAsync(id);
        await page.WaitForAsync("SESSION_CREATED");
        var engine = await EngineAsync();
        Assert.Equal(HttpStatusCode.BadRequest, (await ControlAsync(id, "audio", Control(), "{}")).StatusCode);

        var audioOff = Control();
        Assert.Equal(HttpStatusCode.OK, (await ControlAsync(id, "audio", audioOff, """{"enabled":false}""")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await ControlAsync(id, "audio", audioOff, """{"enabled":true}""")).StatusCode);
        await page.SendAudioAsync(new byte[960]);
        engine.Emit(new ResponseStarted("resp-1"));
        engine.Emit(new AgentAudioDelta("resp-1", "item-a1", 0, new byte[48_000]));
        await page.WaitForAudioAsync(4800);
        var interrupted = await ControlAsync(id, "interrupt", Control());
        Assert.Equal(HttpStatusCode.OK, interrupted.StatusCode);
        Assert.Contains(id, await interrupted.Content.ReadAsStringAsync());
        Assert.Equal("item-a1", (await page.WaitForAsync("INTERRUPT")).GetProperty("itemId").GetString());
        Assert.Equal(1, engine.Cancels); // A user interrupt cancels the response itself: no VAD did.
        Assert.Empty(engine.ReceivedAudio);

        Assert.Equal(HttpStatusCode.OK, (await ControlAsync(id, "stop", Control())).StatusCode);
        Assert.Equal("stopped", (await page.WaitForAsync("SESSION_ENDED")).GetProperty("reason").GetString());
        await WaitForStateAsync(id, CallState.Ended);
        Assert.Equal(HttpStatusCode.NotFound, (await ControlAsync(id, "stop", Control())).StatusCode);
    }

    private async Task<HttpResponseMessage> ControlAsync(string id, string action, string? token, string body = "{}")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_server.InternalAddress, $"/internal/browser/{id}/{action}"))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await _http.SendAsync(request);
    }

    private async Task<CallSession> WaitForStateAsync(string id, CallState state)
    {
        for (var i = 0; i < 500; i++)
        {
            var session = await _server.Sessions.GetAsync(id);
            if (session?.State == state)
            {
                return session;
            }

            await Task.Delay(10);
        }

        throw new TimeoutException($"Session {id} never reached {state}.");
    }
}
