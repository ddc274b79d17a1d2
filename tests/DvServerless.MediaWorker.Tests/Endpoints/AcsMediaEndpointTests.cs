using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using DvServerless.Core.Calls;
using DvServerless.Core.Engines;
using DvServerless.Core.Hosting;
using DvServerless.Core.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace DvServerless.MediaWorker.Tests.Endpoints;

[SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable", Justification = "xUnit v2 disposes test classes through IAsyncLifetime.DisposeAsync, which this rule does not know; it releases the fields.")]
public sealed class AcsMediaEndpointTests : IAsyncLifetime
{
    private MediaWorkerServer _server = null!;
    private readonly HttpClient _http = new();

    public async Task InitializeAsync() => _server = await MediaWorkerServer.StartAsync();

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    private string Token(string callId, CallOwner call = default) =>
        _server.App.Services.GetRequiredService<MediaTokenService>().Issue(callId, TimeSpan.FromMinutes(5), MediaTokenPurpose.AcsMedia, call);

    private async Task<HttpStatusCode> UpgradeStatusAsync(string query)
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        try
        {
            await socket.ConnectAsync(_server.WebSocketUri(query), CancellationToken.None);
            return HttpStatusCode.SwitchingProtocols;
        }
        catch (WebSocketException)
        {
            return socket.HttpStatusCode;
        }
    }

    private async Task<ClientWebSocket> ConnectAsync(string callId, CallOwner call = default)
    {
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("x-ms-call-connection-id", "conn-123");
        await socket.ConnectAsync(_server.WebSocketUri($"callId={callId}&token={Token(callId, call)}"), CancellationToken.None);
        return socket;
    }

    private static async Task<WebSocketReceiveResult> ReceiveCloseAsync(ClientWebSocket socket)
    {
        var buffer = new byte[64 * 1024];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, timeout.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return result;
            }
        }
    }

    [Fact]
    public async Task No_token_is_401() => Assert.Equal(HttpStatusCode.Unauthorized, await UpgradeStatusAsync("callId=call-1"));

    [Fact]
    public async Task A_bad_token_is_403() => Assert.Equal(HttpStatusCode.Forbidden, await UpgradeStatusAsync("callId=call-1&token=abc.def"));

    [Fact]
    public async Task A_token_for_another_call_is_403() =>
        Assert.Equal(HttpStatusCode.Forbidden, await UpgradeStatusAsync($"callId=call-1&token={Token("call-2")}"));

    [Fact]
    public async Task An_expired_token_is_403()
    {
        var past = new FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(-1));
        var token = MediaTokenService.FromConfiguredKey(LocalDefaults.MediaTokenSigningKey, past).Issue("call-1", TimeSpan.FromMinutes(5), MediaTokenPurpose.AcsMedia);

        Assert.Equal(HttpStatusCode.Forbidden, await UpgradeStatusAsync($"callId=call-1&token={token}"));
    }

    [Fact]
    public async Task A_plain_request_with_a_good_token_is_400()
    {
        using var response = await _http.GetAsync(new Uri(_server.BaseAddress, $"/media/acs?callId=call-1&token={Token("call-1")}"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task A_non_JSON_frame_closes_the_socket_with_a_reason()
    {
        using var socket = await ConnectAsync("call-1");
        await socket.SendAsync("hello"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);

        var close = await ReceiveCloseAsync(socket);

        Assert.Equal(WebSocketCloseStatus.InvalidPayloadData, close.CloseStatus);
        Assert.False(string.IsNullOrEmpty(close.CloseStatusDescription));
    }

    [Fact]
    public async Task A_binary_frame_closes_the_socket_with_1003()
    {
        using var socket = await ConnectAsync("call-1");
        await socket.SendAsync(new byte[] { 1, 2, 3 }, WebSocketMessageType.Binary, true, CancellationToken.None);

        Assert.Equal(WebSocketCloseStatus.InvalidMessageType, (await ReceiveCloseAsync(socket)).CloseStatus);
    }

    [Fact]
    public async Task A_frame_over_256_KiB_closes_the_socket_with_1009()
    {
        using var socket = await ConnectAsync("call-1");
        var big = Encoding.UTF8.GetBytes("{\"kind\":\"AudioData\",\"audioData\":{\"data\":\"" + new string('A', 300 * 1024) + "\"}}");
        await socket.SendAsync(big, WebSocketMessageType.Text, true, CancellationToken.None);

        Assert.Equal(WebSocketCloseStatus.MessageTooBig, (await ReceiveCloseAsync(socket)).CloseStatus);
    }

    [Fact]
    public async Task A_call_streams_caller_audio_to_the_engine_and_agent_audio_back()
    {
        using var socket = await ConnectAsync("call-1");
        await SendTextAsync(socket, """{"kind":"AudioMetadata","audioMetadata":{"subscriptionId":"7e4a6b2c-1111-4c3e-9d7f-0a1b2c3d4e5f","encoding":"PCM","sampleRate":24000,"channels":1,"length":960}}""");
        var pcm = new byte[960];
        pcm.AsSpan().Fill(0x05);
        await SendTextAsync(socket, $$$"""{"kind":"AudioData","audioData":{"timestamp":"2026-01-01T09:00:00.000Z","participantRawID":"8:acs:abc","data":"{{{Convert.ToBase64String(pcm)}}}","silent":false}}""");
        await SendTextAsync(socket, """{"kind":"SomethingNew","somethingNew":{}}""");

        var engine = await WaitForEngineAsync();
        await engine.WhenAudioReceivedAsync(960);
        Assert.Equal(pcm, engine.ReceivedAudio);

        // Two seconds of agent audio: still playing at the caller's side when the caller barges in.
        var agent = new byte[48 * 2000];
        agent.AsSpan().Fill(0x05);
        engine.Emit(new ResponseStarted("resp-1"));
        engine.Emit(new AgentAudioDelta("resp-1", "item-1", 0, agent));
        engine.Emit(new ResponseFinished("resp-1", "completed", null));
        var frame = await ReceiveTextAsync(socket);
        Assert.Contains("\"AudioData\"", frame);
        Assert.Contains(Convert.ToBase64String(pcm), frame);

        engine.Emit(new CallerSpeechStarted(100, "caller-1"));
        var sawStop = false;
        for (var i = 0; i < 200 && !sawStop; i++)
        {
            sawStop = (await ReceiveTextAsync(socket)).Contains("StopAudio", StringComparison.Ordinal);
        }

        Assert.True(sawStop, "no StopAudio after the barge-in");

        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
        for (var i = 0; i < 500 && !engine.Disposed; i++)
        {
            await Task.Delay(10);
        }

        Assert.True(engine.Disposed);
    }

    [Theory]
    [InlineData("sales", "You sell things.")]
    [InlineData(null, null)]
    [InlineData("gone", null)]
    public async Task A_call_runs_the_agent_its_session_names_else_the_default_one_with_a_warning_for_an_unknown_one(string? agentId, string? instructions)
    {
        // The Functions app records the agent the called number routes to (Agents:{id}:PhoneNumbers) on the session.
        var session = new CallSession { CallId = "call-agent", Channel = CallChannel.Acs, State = CallState.Answering, CreatedAt = DateTimeOffset.UtcNow };
        if (agentId is not null)
        {
            session.Metadata[CallSessionAgent.MetadataKey] = agentId;
        }

        Assert.True(await _server.Sessions.TryCreateAsync(session));
        using var socket = await ConnectAsync("call-agent");
        await SendTextAsync(socket, """{"kind":"AudioMetadata","audioMetadata":{"subscriptionId":"7e4a6b2c-1111-4c3e-9d7f-0a1b2c3d4e5f","encoding":"PCM","sampleRate":24000,"channels":1,"length":960}}""");
        await WaitForEngineAsync();
        var defaultInstructions = _server.App.Services.GetRequiredService<AgentOptions>().Instructions;
        Assert.Equal(instructions ?? defaultInstructions, Assert.Single(_server.Engines.Agents).Instructions);
        Assert.NotEqual("You sell things.", defaultInstructions);

        // The live call knows its agent, so a say into it (and the drain goodbye) speaks in that agent's voice.
        var live = _server.App.Services.GetRequiredService<DvServerless.MediaWorker.Calls.LiveCalls>();
        for (var i = 0; i < 500 && live.Find("call-agent") is null; i++)
        {
            await Task.Delay(10);
        }

        Assert.Equal(agentId, live.Find("call-agent")?.AgentId);
        var unknown = _server.Logs.Messages.Where(m => m.Contains("which this worker does not know; running the default agent", StringComparison.Ordinal)).ToList();
        if (agentId == "gone")
        {
            Assert.Contains("call-agent: its session names agent 'gone'", Assert.Single(unknown), StringComparison.Ordinal);
        }
        else
        {
            Assert.Empty(unknown);
        }
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
    }

    [Fact]
    public async Task A_call_whose_session_cannot_be_read_runs_the_agent_and_tenant_its_media_token_names()
    {
        // No session document (storage lost it, or could not answer in time): the signed token still says whose call it is.
        using var socket = await ConnectAsync("call-unread", new CallOwner("tenant-a", "sales"));
        await SendTextAsync(socket, """{"kind":"AudioMetadata","audioMetadata":{"subscriptionId":"7e4a6b2c-1111-4c3e-9d7f-0a1b2c3d4e5f","encoding":"PCM","sampleRate":24000,"channels":1,"length":960}}""");
        await WaitForEngineAsync();

        Assert.Equal("You sell things.", Assert.Single(_server.Engines.Agents).Instructions);
        var live = _server.App.Services.GetRequiredService<DvServerless.MediaWorker.Calls.LiveCalls>();
        for (var i = 0; i < 500 && live.Find("call-unread") is null; i++)
        {
            await Task.Delay(10);
        }

        Assert.Equal(("tenant-a", "sales"), (live.Find("call-unread")?.TenantId, live.Find("call-unread")?.AgentId));
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
    }

    [Fact]
    public async Task Health_readiness_metrics_and_root_answer_200()
    {
        using var health = await _http.GetAsync(new Uri(_server.BaseAddress, "/healthz"));
        using var ready = await _http.GetAsync(new Uri(_server.BaseAddress, "/readyz"));
        // /metrics is on the internal port, which the ingress does not expose (Internal/InternalPortTests).
        var internalPort = _server.App.Services.GetRequiredService<DvServerless.MediaWorker.Hosting.InternalPort>();
        using var metrics = await _http.GetAsync(new Uri(internalPort.LocalBaseUrl, "/metrics"));
        var root = await _http.GetStringAsync(_server.BaseAddress);

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        Assert.Equal("DvServerless media worker", root);
    }

    private async Task<Fakes.ScriptedEngine> WaitForEngineAsync()
    {
        for (var i = 0; i < 500; i++)
        {
            lock (_server.Engines.Created)
            {
                if (_server.Engines.Created.Count > 0 && _server.Engines.Created[0].Started)
                {
                    return _server.Engines.Created[0];
                }
            }

            await Task.Delay(10);
        }

        throw new TimeoutException("No engine was started.");
    }

    private static Task SendTextAsync(ClientWebSocket socket, string text) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

    private static async Task<string> ReceiveTextAsync(ClientWebSocket socket)
    {
        var buffer = new byte[64 * 1024];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var result = await socket.ReceiveAsync(buffer, timeout.Token);
        Assert.Equal(WebSocketMessageType.Text, result.MessageType);
        return Encoding.UTF8.GetString(buffer, 0, result.Count);
    }
}
