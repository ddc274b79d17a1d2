using DvServerless.Core.Audio;
using DvServerless.Simulators.Realtime;
using DvServerless.Testing;

namespace DvServerless.Simulators.Tests.Realtime;

public sealed class RealtimeSimulatorSpeechTests
{
    [SkippableFact]
    public async Task A_spoken_sentence_is_one_turn_for_the_default_VAD()
    {
        var wav = WavFile.ReadFile(SpeechAudio.SynthesizeWav("Hello, what are your opening hours on Monday?"));
        var silence = new byte[800 * 48];
        var pcm = new byte[300 * 48].Concat(wav.Pcm).Concat(silence).ToArray();
        await using var simulator = await RealtimeSimulator.StartAsync(new RealtimeSimulatorOptions
        {
            CallerTranscripts = ["hello what are your opening hours on monday"],
            GenerationSpeed = 200,
        });
        await using var connection = await RealtimeTestConnection.OpenAsync(simulator);
        await connection.ReadSessionCreatedAsync();

        foreach (var chunk in TestSpeech.Chunks(pcm))
        {
            await connection.SendAsync(TestSpeech.Append(chunk));
        }

        var (done, before) = await connection.ReceiveUntilAsync("response.done");
        Assert.Single(before, e => (string?)e["type"] == "input_audio_buffer.speech_started");
        var stopped = before.Single(e => (string?)e["type"] == "input_audio_buffer.speech_stopped");
        var speechEndMs = 300 + (wav.Pcm.Length / 48);
        Assert.InRange((long)stopped["audio_end_ms"]!, speechEndMs, speechEndMs + 600);
        Assert.Equal("completed", (string?)done["response"]!["status"]);
        Assert.Contains("opening hours on monday", simulator.Records.Responses.Single().Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Transcription_intent_opens_a_transcription_session_that_transcribes_without_responding()
    {
        await using var simulator = await RealtimeSimulator.StartAsync(new RealtimeSimulatorOptions { CallerTranscripts = ["hello"], VadSilenceDurationMs = 200 });
        await using var connection = await RealtimeTestConnection.OpenAsync(simulator, "intent=transcription");
        var created = await connection.ReadSessionCreatedAsync();
        Assert.Equal("transcription", (string?)created["session"]!["type"]);

        await connection.SendAsync("""{"type":"session.update","session":{"type":"realtime"}}""");
        Assert.Equal("session.type", (string?)(await connection.ReceiveUntilAsync("error")).Event["error"]!["param"]);
        await connection.SendAsync("""{"type":"session.update","session":{"type":"transcription","audio":{"input":{"transcription":{"model":"gpt-4o-transcribe"}}}}}""");
        await connection.ReceiveUntilAsync("session.updated");

        foreach (var chunk in TestSpeech.Chunks(TestSpeech.ToneBurst(100, 400, 300)))
        {
            await connection.SendAsync(TestSpeech.Append(chunk));
        }

        var (completed, before) = await connection.ReceiveUntilAsync("conversation.item.input_audio_transcription.completed");
        Assert.Equal("hello", (string?)completed["transcript"]);
        Assert.Contains(before, e => (string?)e["type"] == "input_audio_buffer.committed");
        await connection.SendAsync("""{"type":"input_audio_buffer.clear"}""");
        var next = await connection.ReceiveAsync();
        Assert.Equal("input_audio_buffer.cleared", (string?)next!["type"]);
        Assert.Empty(simulator.Records.Responses);
    }
}
