using System.Net;
using System.Net.WebSockets;
using DvServerless.Core.Hosting;
using DvServerless.Simulators.Realtime;
using Microsoft.Extensions.Time.Testing;

namespace DvServerless.Simulators.Tests.Realtime;

public sealed class RealtimeSimulatorConnectionTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("wrong-key")]
    public async Task Upgrade_without_the_right_key_is_refused_with_401(string? key)
    {
        await using var simulator = await RealtimeSimulator.StartAsync(new RealtimeSimulatorOptions());
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        if (key is not null)
        {
            socket.Options.SetRequestHeader("Authorization", "Bearer " + key);
        }

        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(new Uri($"ws://127.0.0.1:{simulator.Port}/v1/realtime?model=gpt-realtime"), CancellationToken.None));
        Assert.Equal(HttpStatusCode.Unauthorized, socket.HttpStatusCode);
        Assert.Empty(simulator.Records.Sessions);
    }

    [Theory]
    [InlineData("", HttpStatusCode.BadRequest)]
    [InlineData("model=gpt-realtime&call_id=rtc_123", HttpStatusCode.BadRequest)]
    [InlineData("model=gpt-realtime&intent=transcription", HttpStatusCode.BadRequest)]
    [InlineData("intent=translation", HttpStatusCode.BadRequest)]
    [InlineData("call_id=rtc_0123456789abcdef0123456789abcdef", HttpStatusCode.NotFound)]
    public async Task Upgrade_needs_exactly_one_of_model_call_id_or_intent(string query, HttpStatusCode expected)
    {
        await using var simulator = await RealtimeSimulator.StartAsync(new RealtimeSimulatorOptions());
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.SetRequestHeader("Authorization", "Bearer " + LocalDefaults.RealtimeSimulatorApiKey);
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(new Uri($"ws://127.0.0.1:{simulator.Port}/v1/realtime?{query}"), CancellationToken.None));
        Assert.Equal(expected, socket.HttpStatusCode);
    }

    [Fact]
    public async Task Session_created_comes_first_in_the_GA_shape_then_conversation_created()
    {
        await using var simulator = await RealtimeSimulator.StartAsync(new RealtimeSimulatorOptions());
        await using var connection = await RealtimeTestConnection.OpenAsync(simulator, "model=gpt-realtime-mini");
        Assert.Equal("realtime", connection.Socket.SubProtocol);

        var created = await connection.ReceiveAsync();
        Assert.Equal("session.created", (string?)created!["type"]);
        Assert.StartsWith("event_", (string?)created["event_id"]);
        var session = created["session"]!;
        Assert.Equal("realtime", (string?)session["type"]);
        Assert.Equal("realtime.session", (string?)session["object"]);
        Assert.StartsWith("sess_", (string?)session["id"]);
        Assert.Equal("gpt-realtime-mini", (string?)session["model"]);
        Assert.True((long)session["expires_at"]! > DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 3000);
        Assert.Equal("audio", (string?)session["output_modalities"]![0]);
        Assert.Equal("audio/pcm", (string?)session["audio"]!["input"]!["format"]!["type"]);
        Assert.Equal(24000, (int)session["audio"]!["input"]!["format"]!["rate"]!);
        Assert.Null(session["audio"]!["input"]!["transcription"]);
        Assert.Null(session["audio"]!["input"]!["noise_reduction"]);
        var turn = session["audio"]!["input"]!["turn_detection"]!;
        Assert.Equal("server_vad", (string?)turn["type"]);
        Assert.Equal(0.5, (double)turn["threshold"]!);
        Assert.Equal(300, (int)turn["prefix_padding_ms"]!);
        Assert.Equal(500, (int)turn["silence_duration_ms"]!);
        Assert.True((bool)turn["create_response"]!);
        Assert.True((bool)turn["interrupt_response"]!);
        Assert.Equal("alloy", (string?)session["audio"]!["output"]!["voice"]);
        Assert.Equal(1, (int)session["audio"]!["output"]!["speed"]!);
        Assert.Empty(session["tools"]!.AsArray());
        Assert.Equal("auto", (string?)session["tool_choice"]);
        Assert.Equal("inf", (string?)session["max_output_tokens"]);
        Assert.Equal("auto", (string?)session["truncation"]);
        Assert.False(string.IsNullOrEmpty((string?)session["instructions"]));

        var conversation = await connection.ReceiveAsync();
        Assert.Equal("conversation.created", (string?)conversation!["type"]);
        Assert.Equal("realtime.conversation", (string?)conversation["conversation"]!["object"]);
        Assert.Equal("gpt-realtime-mini", simulator.Records.Sessions.Single().Model);
    }

    [Fact]
    public async Task Azure_path_and_api_key_header_are_accepted()
    {
        await using var simulator = await RealtimeSimulator.StartAsync(new RealtimeSimulatorOptions());
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("api-key", LocalDefaults.RealtimeSimulatorApiKey);
        await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{simulator.Port}/openai/v1/realtime?model=my-deployment"), CancellationToken.None);
        Assert.Equal(WebSocketState.Open, socket.State);
        Assert.Null(socket.SubProtocol);
    }

    [Fact]
    public async Task Session_is_closed_with_1001_at_the_maximum_duration()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var simulator = await RealtimeSimulator.StartAsync(new RealtimeSimulatorOptions { TimeProvider = clock });
        await using var connection = await RealtimeTestConnection.OpenAsync(simulator);
        await connection.ReadSessionCreatedAsync();

        clock.Advance(TimeSpan.FromMinutes(59));
        await connection.SendAsync("""{"type":"input_audio_buffer.clear"}""");
        Assert.Equal("input_audio_buffer.cleared", (string?)(await connection.ReceiveAsync())!["type"]);

        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Null(await connection.ReceiveAsync());
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, connection.Socket.CloseStatus);
        Assert.Equal("Your session hit the maximum duration of 60 minutes.", connection.Socket.CloseStatusDescription);
    }
}
