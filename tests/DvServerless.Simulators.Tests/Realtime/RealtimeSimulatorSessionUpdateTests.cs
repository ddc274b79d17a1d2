using DvServerless.Simulators.Realtime;

namespace DvServerless.Simulators.Tests.Realtime;

public sealed class RealtimeSimulatorSessionUpdateTests
{
    [Fact]
    public async Task Beta_style_update_without_session_type_is_refused_and_the_session_stays_open()
    {
        await using var simulator = await RealtimeSimulator.StartAsync(new RealtimeSimulatorOptions());
        await using var connection = await RealtimeTestConnection.OpenAsync(simulator);
        await connection.ReadSessionCreatedAsync();

        await connection.SendAsync("""{"type":"session.update","event_id":"evt_beta","session":{"modalities":["audio","text"],"voice":"alloy","input_audio_format":"pcm16"}}""");
        var error = await connection.ReceiveAsync();
        Assert.Equal("error", (string?)error!["type"]);
        Assert.Equal("invalid_request_error", (string?)error["error"]!["type"]);
        Assert.Equal("missing_required_parameter", (string?)error["error"]!["code"]);
        Assert.Equal("session.type", (string?)error["error"]!["param"]);
        Assert.Equal("evt_beta", (string?)error["error"]!["event_id"]);

        await connection.SendAsync("""{"type":"session.update","session":{"type":"realtime","instructions":"Be brief."}}""");
        var updated = await connection.ReceiveAsync();
        Assert.Equal("session.updated", (string?)updated!["type"]);
        Assert.Equal("Be brief.", (string?)updated["session"]!["instructions"]);
    }

    [Fact]
    public async Task Pcm_at_16_kHz_is_refused_and_changes_nothing()
    {
        await using var simulator = await RealtimeSimulator.StartAsync(new RealtimeSimulatorOptions());
        await using var connection = await RealtimeTestConnection.OpenAsync(simulator);
        await connection.ReadSessionCreatedAsync();

        await connection.SendAsync("""{"type":"session.update","session":{"type":"realtime","instructions":"changed","audio":{"input":{"format":{"type":"audio/pcm","rate":16000}}}}}""");
        var error = await connection.ReceiveAsync();
        Assert.Equal("error", (string?)error!["type"]);
        Assert.Equal("session.audio.input.format.rate", (string?)error["error"]!["param"]);
        Assert.Null(error["error"]!["event_id"]);

        await connection.SendAsync("""{"type":"session.update","session":{"type":"realtime"}}""");
        var updated = await connection.ReceiveAsync();
        Assert.NotEqual("changed", (string?)updated!["session"]!["instructions"]);
        Assert.Equal(24000, (int)updated["session"]!["audio"]!["input"]!["format"]!["rate"]!);
    }

    [Fact]
    public async Task Update_merges_only_the_fields_present_and_answers_the_full_configuration()
    {
        await using var simulator = await RealtimeSimulator.StartAsync(new RealtimeSimulatorOptions());
        await using var connection = await RealtimeTestConnection.OpenAsync(simulator);
        await connection.ReadSessionCreatedAsync();

        await connection.SendAsync("""
            {"type":"session.update","session":{"type":"realtime","audio":{
              "input":{"transcription":{"model":"gpt-4o-mini-transcribe"},"turn_detection":{"type":"server_vad","silence_duration_ms":800}},
              "output":{"voice":"marin"}},
              "tools":[{"type":"function","name":"lookup","parameters":{"type":"object"}}]}}
            """);
        var session = (await connection.ReceiveAsync())!["session"]!;
        Assert.Equal("gpt-4o-mini-transcribe", (string?)session["audio"]!["input"]!["transcription"]!["model"]);
        Assert.Equal("audio/pcm", (string?)session["audio"]!["input"]!["format"]!["type"]);
        Assert.Equal(800, (int)session["audio"]!["input"]!["turn_detection"]!["silence_duration_ms"]!);
        Assert.Equal(300, (int)session["audio"]!["input"]!["turn_detection"]!["prefix_padding_ms"]!);
        Assert.True((bool)session["audio"]!["input"]!["turn_detection"]!["create_response"]!);
        Assert.Equal("marin", (string?)session["audio"]!["output"]!["voice"]);
        Assert.Equal(1, (int)session["audio"]!["output"]!["speed"]!);
        Assert.Equal("lookup", (string?)session["tools"]![0]!["name"]);
        Assert.Equal("gpt-realtime", (string?)session["model"]);
        Assert.Contains("gpt-4o-mini-transcribe", simulator.Records.Sessions.Single().EffectiveConfigurationJson);
    }
}
