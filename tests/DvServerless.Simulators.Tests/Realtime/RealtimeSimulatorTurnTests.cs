using System.Text.Json.Nodes;
using DvServerless.Simulators.Realtime;

namespace DvServerless.Simulators.Tests.Realtime;

public sealed class RealtimeSimulatorTurnTests
{
    private const string Reply = "We are open from nine to five.";

    private static RealtimeSimulatorOptions Options(double generationSpeed = 200, Func<int, string, string>? reply = null) => new()
    {
        CallerTranscripts = ["what are your opening hours", "thanks"],
        AgentReply = reply ?? ((_, _) => Reply),
        GenerationSpeed = generationSpeed,
        VadSilenceDurationMs = 200,
    };

    private static async Task SpeakAsync(RealtimeTestConnection connection, byte[] pcm)
    {
        foreach (var chunk in TestSpeech.Chunks(pcm))
        {
            await connection.SendAsync(TestSpeech.Append(chunk));
        }
    }

    [Fact]
    public async Task One_spoken_turn_produces_the_GA_event_order()
    {
        await using var simulator = await RealtimeSimulator.StartAsync(Options());
        await using var connection = await RealtimeTestConnection.OpenAsync(simulator);
        await connection.ReadSessionCreatedAsync();
        await connection.SendAsync("""{"type":"session.update","session":{"type":"realtime","audio":{"input":{"transcription":{"model":"whisper-1"}}}}}""");
        await connection.ReceiveUntilAsync("session.updated");

        await SpeakAsync(connection, TestSpeech.ToneBurst(300, 600, 400));
        var (done, before) = await connection.ReceiveUntilAsync("response.done");
        var rateLimits = await connection.ReceiveAsync();

        var events = before.Append(done).Append(rateLimits!).ToList();
        var types = events.Select(e => (string)e["type"]!).ToList();
        var firstAudio = types.IndexOf("response.output_audio.delta");
        Assert.True(firstAudio > types.IndexOf("response.content_part.added"));
        Assert.True(types.LastIndexOf("response.output_audio.delta") < types.IndexOf("response.output_audio.done"));
        Assert.Contains("response.output_audio_transcript.delta", types);
        Assert.Equal(
            [
                "input_audio_buffer.speech_started", "input_audio_buffer.speech_stopped", "input_audio_buffer.committed",
                "conversation.item.added", "conversation.item.done", "conversation.item.input_audio_transcription.delta",
                "conversation.item.input_audio_transcription.completed", "response.created", "response.output_item.added", "conversation.item.added", "response.content_part.added",
                "response.output_audio.done", "response.output_audio_transcript.done", "response.content_part.done",
                "response.output_item.done", "conversation.item.done", "response.done", "rate_limits.updated",
            ],
            types.Where(t => t is not ("response.output_audio.delta" or "response.output_audio_transcript.delta")));

        var started = events[types.IndexOf("input_audio_buffer.speech_started")];
        var stopped = events[types.IndexOf("input_audio_buffer.speech_stopped")];
        var committed = events[types.IndexOf("input_audio_buffer.committed")];
        Assert.Equal(0, (long)started["audio_start_ms"]!);
        Assert.Equal(1100, (long)stopped["audio_end_ms"]!);
        var userItemId = (string?)started["item_id"];
        Assert.Equal(userItemId, (string?)stopped["item_id"]);
        Assert.Equal(userItemId, (string?)committed["item_id"]);
        var userItem = events[types.IndexOf("conversation.item.added")]["item"]!;
        Assert.Equal("user", (string?)userItem["role"]);
        Assert.Equal("input_audio", (string?)userItem["content"]![0]!["type"]);
        var transcription = events[types.IndexOf("conversation.item.input_audio_transcription.completed")];
        Assert.Equal("what are your opening hours", (string?)transcription["transcript"]);
        Assert.Equal(0, (int)transcription["content_index"]!);
        Assert.Equal("tokens", (string?)transcription["usage"]!["type"]);

        var item = events[types.IndexOf("response.output_item.added")]["item"]!;
        Assert.Equal("realtime.item", (string?)item["object"]);
        Assert.Equal("assistant", (string?)item["role"]);
        Assert.Equal("output_audio", (string?)events[types.IndexOf("response.content_part.added")]["part"]!["type"]);
        Assert.Equal(Reply, (string?)events[types.IndexOf("response.output_audio_transcript.done")]["transcript"]);
        Assert.Equal(Reply, string.Concat(events.Where(e => (string?)e["type"] == "response.output_audio_transcript.delta").Select(e => (string?)e["delta"])));

        var response = done["response"]!;
        Assert.Equal("completed", (string?)response["status"]);
        Assert.Equal((string?)item["id"], (string?)response["output"]![0]!["id"]);
        Assert.Equal(Reply, (string?)response["output"]![0]!["content"]![0]!["transcript"]);
        var usage = response["usage"]!;
        Assert.Equal((long)usage["total_tokens"]!, (long)usage["input_tokens"]! + (long)usage["output_tokens"]!);
        Assert.True((long)usage["output_token_details"]!["audio_tokens"]! > 0);
        Assert.True((long)usage["input_token_details"]!["audio_tokens"]! > 0);
        Assert.NotNull(usage["input_token_details"]!["cached_tokens"]);
        Assert.NotNull(usage["output_token_details"]!["text_tokens"]);
        Assert.Equal("requests", (string?)rateLimits!["rate_limits"]![0]!["name"]);

        var record = simulator.Records.Responses.Single();
        Assert.Equal("completed", record.Status);
        Assert.Equal(Reply.Length * 60, record.ProducedAudioMs, 1);
        Assert.Contains(simulator.Records.Transcripts, t => t.Role == "user" && t.Text == "what are your opening hours");
        Assert.True(simulator.Records.Usage.TotalTokens > 0);
    }

    [Fact]
    public async Task Audio_deltas_vary_in_size_and_add_up_to_the_reply_length()
    {
        await using var simulator = await RealtimeSimulator.StartAsync(Options());
        await using var connection = await RealtimeTestConnection.OpenAsync(simulator);
        await connection.ReadSessionCreatedAsync();
        await SpeakAsync(connection, TestSpeech.ToneBurst(100, 500, 300));
        var (_, before) = await connection.ReceiveUntilAsync("response.done");

        var sizes = before.Where(e => (string?)e["type"] == "response.output_audio.delta")
            .Select(e => Convert.FromBase64String((string)e["delta"]!).Length).ToList();
        Assert.True(sizes.Distinct().Count() >= 3);
        Assert.Contains(sizes, s => s % 960 != 0);
        Assert.Equal(Reply.Length * 60 * 48, sizes.Sum());
    }

    [Fact]
    public async Task Agent_audio_is_speech_like_at_about_minus_16_dBFS()
    {
        await using var simulator = await RealtimeSimulator.StartAsync(Options());
        await using var connection = await RealtimeTestConnection.OpenAsync(simulator);
        await connection.ReadSessionCreatedAsync();
        await SpeakAsync(connection, TestSpeech.ToneBurst(100, 500, 300));
        var (_, before) = await connection.ReceiveUntilAsync("response.done");

        var pcm = before.Where(e => (string?)e["type"] == "response.output_audio.delta")
            .SelectMany(e => Convert.FromBase64String((string)e["delta"]!)).ToArray();
        var samples = Enumerable.Range(0, pcm.Length / 2).Select(i => (double)BitConverter.ToInt16(pcm, i * 2)).ToArray();
        var rmsDbfs = 10 * Math.Log10(samples.Average(s => s * s) / (32768.0 * 32768.0));
        Assert.InRange(rmsDbfs, -17.5, -14.5);
        // A syllable envelope: 50 ms windows differ in level, unlike a steady tone.
        var windows = samples.Chunk(1200).Select(w => Math.Sqrt(w.Average(s => s * s))).ToList();
        Assert.True(windows.Max() > 4 * windows.Min());
    }

    [Fact]
    public async Task Caller_speech_during_a_response_cancels_it_as_turn_detected()
    {
        var longReply = string.Concat(Enumerable.Repeat("This is a long answer that keeps going. ", 6));
        await using var simulator = await RealtimeSimulator.StartAsync(Options(generationSpeed: 2, reply: (_, _) => longReply));
        await using var connection = await RealtimeTestConnection.OpenAsync(simulator);
        await connection.ReadSessionCreatedAsync();
        await SpeakAsync(connection, TestSpeech.ToneBurst(100, 500, 300));
        var (firstDelta, _) = await connection.ReceiveUntilAsync("response.output_audio.delta");

        await SpeakAsync(connection, TestSpeech.ToneBurst(100, 400, 0));
        var (done, before) = await connection.ReceiveUntilAsync("response.done");
        var types = before.Select(e => (string?)e["type"]).ToList();
        Assert.Contains("input_audio_buffer.speech_started", types);
        Assert.True(types.IndexOf("input_audio_buffer.speech_started") < types.IndexOf("response.output_item.done"));
        Assert.DoesNotContain("response.output_audio.done", types);
        Assert.Equal((string?)firstDelta["response_id"], (string?)done["response"]!["id"]);
        Assert.Equal("cancelled", (string?)done["response"]!["status"]);
        Assert.Equal("cancelled", (string?)done["response"]!["status_details"]!["type"]);
        Assert.Equal("turn_detected", (string?)done["response"]!["status_details"]!["reason"]);
        Assert.Equal("incomplete", (string?)done["response"]!["output"]![0]!["status"]);

        var record = simulator.Records.Responses.Single();
        Assert.Equal("cancelled", record.Status);
        Assert.Equal("turn_detected", record.StatusReason);
        Assert.InRange(record.ProducedAudioMs, 1, longReply.Length * 60 - 1);
    }

    [Fact]
    public async Task Truncate_is_checked_against_the_audio_produced_for_the_item()
    {
        await using var simulator = await RealtimeSimulator.StartAsync(Options());
        await using var connection = await RealtimeTestConnection.OpenAsync(simulator);
        await connection.ReadSessionCreatedAsync();
        await SpeakAsync(connection, TestSpeech.ToneBurst(100, 500, 300));
        var (done, _) = await connection.ReceiveUntilAsync("response.done");
        var itemId = (string)done["response"]!["output"]![0]!["id"]!;
        var producedMs = Reply.Length * 60;

        await connection.SendAsync($$"""{"type":"conversation.item.truncate","event_id":"evt_far","item_id":"{{itemId}}","content_index":0,"audio_end_ms":{{producedMs + 1000}}}""");
        var (error, _) = await connection.ReceiveUntilAsync("error");
        Assert.Equal("audio_end_ms", (string?)error["error"]!["param"]);
        Assert.Equal("evt_far", (string?)error["error"]!["event_id"]);

        await connection.SendAsync("""{"type":"conversation.item.truncate","item_id":"item_unknown","content_index":0,"audio_end_ms":10}""");
        Assert.Equal("item_id", (string?)(await connection.ReceiveUntilAsync("error")).Event["error"]!["param"]);

        await connection.SendAsync($$"""{"type":"conversation.item.truncate","item_id":"{{itemId}}","content_index":0,"audio_end_ms":500}""");
        var (truncated, _) = await connection.ReceiveUntilAsync("conversation.item.truncated");
        Assert.Equal(itemId, (string?)truncated["item_id"]);
        Assert.Equal(0, (int)truncated["content_index"]!);
        Assert.Equal(500, (int)truncated["audio_end_ms"]!);

        var truncations = simulator.Records.Truncations;
        Assert.Equal([false, false, true], truncations.Select(t => t.Accepted));
        Assert.Equal(producedMs, truncations[0].ProducedAudioMs, 1);
    }

    [Fact]
    public async Task Response_cancel_without_a_response_is_an_error_and_with_one_cancels_it()
    {
        var longReply = string.Concat(Enumerable.Repeat("A long reply. ", 20));
        await using var simulator = await RealtimeSimulator.StartAsync(Options(generationSpeed: 2, reply: (_, _) => longReply));
        await using var connection = await RealtimeTestConnection.OpenAsync(simulator);
        await connection.ReadSessionCreatedAsync();

        await connection.SendAsync("""{"type":"response.cancel"}""");
        Assert.Equal("response_cancel_not_active", (string?)(await connection.ReceiveUntilAsync("error")).Event["error"]!["code"]);

        await SpeakAsync(connection, TestSpeech.ToneBurst(100, 500, 300));
        await connection.ReceiveUntilAsync("response.output_audio.delta");
        await connection.SendAsync("""{"type":"response.cancel"}""");
        var (done, _) = await connection.ReceiveUntilAsync("response.done");
        Assert.Equal("cancelled", (string?)done["response"]!["status"]);
        Assert.Equal("client_cancelled", (string?)done["response"]!["status_details"]!["reason"]);
    }

    [Fact]
    public async Task Without_turn_detection_the_client_commits_and_asks_for_the_response()
    {
        await using var simulator = await RealtimeSimulator.StartAsync(Options());
        await using var connection = await RealtimeTestConnection.OpenAsync(simulator);
        await connection.ReadSessionCreatedAsync();
        await connection.SendAsync("""{"type":"session.update","session":{"type":"realtime","audio":{"input":{"turn_detection":null}}}}""");
        var updated = (await connection.ReceiveUntilAsync("session.updated")).Event;
        Assert.Null(updated["session"]!["audio"]!["input"]!["turn_detection"]);

        await connection.SendAsync("""{"type":"input_audio_buffer.commit","event_id":"evt_empty"}""");
        var error = (await connection.ReceiveUntilAsync("error")).Event;
        Assert.Equal("input_audio_buffer_commit_empty", (string?)error["error"]!["code"]);

        await SpeakAsync(connection, TestSpeech.ToneBurst(100, 500, 300));
        await connection.SendAsync("""{"type":"input_audio_buffer.commit"}""");
        var (committed, before) = await connection.ReceiveUntilAsync("input_audio_buffer.committed");
        Assert.Empty(before);
        var added = await connection.ReceiveAsync();
        Assert.Equal("conversation.item.added", (string?)added!["type"]);
        Assert.Equal((string?)committed["item_id"], (string?)added["item"]!["id"]);

        await connection.SendAsync("""{"type":"response.create"}""");
        var (transcript, _) = await connection.ReceiveUntilAsync("response.output_audio_transcript.done");
        Assert.Equal(Reply, (string?)transcript["transcript"]);
    }

    [Fact]
    public async Task Response_create_with_instructions_speaks_the_instructed_reply()
    {
        var options = Options();
        options.InstructedReply = instructions => instructions.Contains("greet", StringComparison.OrdinalIgnoreCase) ? "Welcome to the test line." : "?";
        await using var simulator = await RealtimeSimulator.StartAsync(options);
        await using var connection = await RealtimeTestConnection.OpenAsync(simulator);
        await connection.ReadSessionCreatedAsync();

        await connection.SendAsync("""{"type":"response.create","response":{"instructions":"Greet the caller."}}""");
        var (transcript, _) = await connection.ReceiveUntilAsync("response.output_audio_transcript.done");
        Assert.Equal("Welcome to the test line.", (string?)transcript["transcript"]);
        var (done, _) = await connection.ReceiveUntilAsync("response.done");
        Assert.Equal("completed", (string?)done["response"]!["status"]);
    }
}
