using DvServerless.Simulators.Realtime;

namespace DvServerless.Simulators.Tests.Realtime;

public sealed class RealtimeSimulatorValidationTests
{
    [Theory]
    [InlineData("not json at all", "invalid_json", null)]
    [InlineData("""["an","array"]""", "invalid_event", null)]
    [InlineData("""{"event_id":"evt_1"}""", "invalid_event", "type")]
    [InlineData("""{"type":"transcription_session.update","session":{}}""", "invalid_value", "type")]
    [InlineData("""{"type":"input_audio_buffer.append"}""", "missing_required_parameter", "audio")]
    [InlineData("""{"type":"input_audio_buffer.append","audio":"@@not base64@@"}""", "invalid_value", "audio")]
    [InlineData("""{"type":"conversation.item.truncate","item_id":"item_x","content_index":0,"audio_end_ms":1.5}""", "invalid_type", "audio_end_ms")]
    [InlineData("""{"type":"conversation.item.truncate","item_id":"item_x","content_index":0}""", "missing_required_parameter", "audio_end_ms")]
    [InlineData("""{"type":"conversation.item.retrieve"}""", "missing_required_parameter", "item_id")]
    [InlineData("""{"type":"conversation.item.create","item":{"type":"message","role":"assistant","content":[{"type":"output_audio","audio":"AAAA"}]}}""", "invalid_value", "item.content")]
    [InlineData("""{"type":"output_audio_buffer.clear"}""", "invalid_value", "type")]
    public async Task Invalid_client_events_get_an_error_and_the_session_stays_open(string frame, string code, string? param)
    {
        await using var simulator = await RealtimeSimulator.StartAsync(new RealtimeSimulatorOptions());
        await using var connection = await RealtimeTestConnection.OpenAsync(simulator);
        await connection.ReadSessionCreatedAsync();

        await connection.SendAsync(frame);
        var error = await connection.ReceiveAsync();
        Assert.Equal("error", (string?)error!["type"]);
        Assert.StartsWith("event_", (string?)error["event_id"]);
        Assert.Equal("invalid_request_error", (string?)error["error"]!["type"]);
        Assert.Equal(code, (string?)error["error"]!["code"]);
        Assert.Equal(param, (string?)error["error"]!["param"]);
        Assert.False(string.IsNullOrEmpty((string?)error["error"]!["message"]));

        await connection.SendAsync("""{"type":"input_audio_buffer.clear"}""");
        Assert.Equal("input_audio_buffer.cleared", (string?)(await connection.ReceiveAsync())!["type"]);
        Assert.Equal(code, simulator.Records.Errors.Single().Code);
    }

    [Fact]
    public async Task Append_over_15_MiB_is_refused()
    {
        await using var simulator = await RealtimeSimulator.StartAsync(new RealtimeSimulatorOptions());
        await using var connection = await RealtimeTestConnection.OpenAsync(simulator);
        await connection.ReadSessionCreatedAsync();

        var audio = Convert.ToBase64String(new byte[(15 * 1024 * 1024) + 3]);
        await connection.SendAsync($$"""{"type":"input_audio_buffer.append","event_id":"evt_big","audio":"{{audio}}"}""");
        var error = await connection.ReceiveAsync();
        Assert.Equal("error", (string?)error!["type"]);
        Assert.Equal("audio", (string?)error["error"]!["param"]);
        Assert.Equal("evt_big", (string?)error["error"]!["event_id"]);
    }

    [Fact]
    public async Task Without_audio_append_records_every_other_client_event_is_still_recorded()
    {
        await using var simulator = await RealtimeSimulator.StartAsync(new RealtimeSimulatorOptions { RecordAudioAppends = false });
        await using var connection = await RealtimeTestConnection.OpenAsync(simulator);
        await connection.ReadSessionCreatedAsync();
        var audio = Convert.ToBase64String(new byte[960]);
        for (var i = 0; i < 3; i++)
        {
            await connection.SendAsync($$"""{"type":"input_audio_buffer.append","audio":"{{audio}}"}""");
        }

        await connection.SendAsync("""{"type":"input_audio_buffer.clear","event_id":"evt_c"}""");
        await connection.ReceiveUntilAsync("input_audio_buffer.cleared");

        var recorded = Assert.Single(simulator.Records.ClientEvents);
        Assert.Equal(("input_audio_buffer.clear", "evt_c"), (recorded.Type, recorded.EventId));
    }

    [Fact]
    public async Task Client_events_are_recorded_in_order_with_their_ids()
    {
        await using var simulator = await RealtimeSimulator.StartAsync(new RealtimeSimulatorOptions());
        await using var connection = await RealtimeTestConnection.OpenAsync(simulator);
        await connection.ReadSessionCreatedAsync();
        await connection.SendAsync("""{"type":"session.update","event_id":"evt_a","session":{"type":"realtime"}}""");
        await connection.SendAsync("""{"type":"input_audio_buffer.clear","event_id":"evt_b"}""");
        await connection.ReceiveUntilAsync("input_audio_buffer.cleared");

        var events = simulator.Records.ClientEvents;
        Assert.Equal(["session.update", "input_audio_buffer.clear"], events.Select(e => e.Type));
        Assert.Equal(["evt_a", "evt_b"], events.Select(e => e.EventId));
        Assert.All(events, e => Assert.Equal(simulator.Records.Sessions.Single().SessionId, e.SessionId));
    }
}
