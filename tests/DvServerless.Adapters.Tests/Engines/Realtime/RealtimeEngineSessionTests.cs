using System.Diagnostics.CodeAnalysis;
using System.Net.WebSockets;
using DvServerless.Adapters.Engines.Realtime;
using DvServerless.Core.Engines;
using static DvServerless.Adapters.Tests.Engines.Realtime.RealtimeEngineConnectionTests;

namespace DvServerless.Adapters.Tests.Engines.Realtime;

[SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable", Justification = "xUnit v2 disposes test classes through IAsyncLifetime.DisposeAsync, which this rule does not know; it releases the fields.")]
public sealed class RealtimeEngineSessionTests : IAsyncLifetime
{
    private FakeRealtimeServer _server = null!;
    private RealtimeEngine _engine = null!;

    public async Task InitializeAsync()
    {
        _server = await FakeRealtimeServer.StartAsync();
        _engine = new RealtimeEngine("call-1", new AgentOptions(), OpenAIOptions(_server));
        await _engine.StartAsync(CancellationToken.None);
        await _server.NextFrameAsync(); // session.update
    }

    public async Task DisposeAsync()
    {
        await _engine.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task SendAudioAsync_SendsAppendWithExactBase64()
    {
        var pcm = new byte[960];
        for (var i = 0; i < pcm.Length; i++)
        {
            pcm[i] = (byte)(i * 7);
        }

        await _engine.SendAudioAsync(pcm, CancellationToken.None);

        var frame = await _server.NextFrameAsync();
        Assert.Equal(
            $$"""{"type":"input_audio_buffer.append","audio":"{{Convert.ToBase64String(pcm)}}"}""",
            frame.GetRawText());
    }

    [Fact]
    public async Task ConcurrentSends_NeverInterleaveFrames()
    {
        var pcm = Enumerable.Range(0, 4800).Select(i => (byte)i).ToArray();
        var sends = Enumerable.Range(0, 40).Select(i => Task.Run(async () =>
        {
            if (i % 5 == 0)
            {
                await _engine.TruncateAsync($"item_{i}", 0, i * 10, CancellationToken.None);
            }
            else
            {
                await _engine.SendAudioAsync(pcm, CancellationToken.None);
            }
        }));
        await Task.WhenAll(sends);

        var expectedAudio = Convert.ToBase64String(pcm);
        for (var i = 0; i < 40; i++)
        {
            var frame = await _server.NextFrameAsync(); // parses: an interleaved frame would not
            if (frame.GetProperty("type").GetString() == "input_audio_buffer.append")
            {
                Assert.Equal(expectedAudio, frame.GetProperty("audio").GetString());
            }
            else
            {
                Assert.Equal("conversation.item.truncate", frame.GetProperty("type").GetString());
            }
        }
    }

    [Fact]
    public async Task TruncateCancelCreate_SendGaShapes()
    {
        await _engine.TruncateAsync("item_CCXHwGjjDUfOXbiySlK7i", 0, 1500, CancellationToken.None);
        await _engine.CancelResponseAsync(CancellationToken.None);
        await _engine.CreateResponseAsync(null, CancellationToken.None);

        AssertJsonEqual("""{"type":"conversation.item.truncate","item_id":"item_CCXHwGjjDUfOXbiySlK7i","content_index":0,"audio_end_ms":1500}""",
            await _server.NextFrameAsync());
        AssertJsonEqual("""{"type":"response.cancel"}""", await _server.NextFrameAsync());
        AssertJsonEqual("""{"type":"response.create"}""", await _server.NextFrameAsync());
    }

    [Fact]
    public async Task SendToolResultAsync_SendsFunctionCallOutputThenResponseCreate_OncePerCallId()
    {
        await _engine.SendToolResultAsync("call_001", """{"temperature":18}""", CancellationToken.None);
        await _engine.SendToolResultAsync("call_001", """{"temperature":18}""", CancellationToken.None);
        await _engine.CancelResponseAsync(CancellationToken.None); // marks the end of what was sent

        AssertJsonEqual("""{"type":"conversation.item.create","item":{"type":"function_call_output","call_id":"call_001","output":"{\"temperature\":18}"}}""",
            await _server.NextFrameAsync());
        AssertJsonEqual("""{"type":"response.create"}""", await _server.NextFrameAsync());
        AssertJsonEqual("""{"type":"response.cancel"}""", await _server.NextFrameAsync());
    }

    [Fact]
    public async Task ReadEventsAsync_MapsAFullSpokenTurn_IgnoringUnknownEventsAndFields()
    {
        byte[] audio = [1, 2, 3, 4, 5, 6, 7, 8];
        string[] script =
        [
            """{"event_id":"event_1516","type":"input_audio_buffer.speech_started","audio_start_ms":1000,"item_id":"msg_003"}""",
            """{"event_id":"event_1718","type":"input_audio_buffer.speech_stopped","audio_end_ms":2000,"item_id":"msg_003"}""",
            """{"event_id":"event_1","type":"input_audio_buffer.committed","previous_item_id":null,"item_id":"msg_003"}""",
            """{"event_id":"event_2","type":"conversation.item.added","previous_item_id":null,"item":{"id":"msg_003","object":"realtime.item","type":"message","status":"completed","role":"user","content":[{"type":"input_audio","transcript":null}]}}""",
            """{"event_id":"event_3","type":"response.created","response":{"object":"realtime.response","id":"resp_001","status":"in_progress","status_details":null,"output":[],"usage":null}}""",
            """{"event_id":"event_4","type":"response.output_item.added","response_id":"resp_001","output_index":0,"item":{"id":"msg_007","object":"realtime.item","type":"message","status":"in_progress","role":"assistant","content":[]}}""",
            $$"""{"event_id":"event_5","type":"response.output_audio.delta","response_id":"resp_001","item_id":"msg_007","output_index":0,"content_index":0,"delta":"{{Convert.ToBase64String(audio)}}","obfuscation":"aB3"}""",
            """{"event_id":"event_6","type":"response.output_audio_transcript.delta","response_id":"resp_001","item_id":"msg_007","output_index":0,"content_index":0,"delta":"Hello"}""",
            """{"type":"input_audio_buffer.dtmf_event_received","event":"5","received_at":1756324625}""",
            """{"event_id":"event_7","type":"response.brand_new_event","response_id":"resp_001","something":{"nested":[1,2]}}""",
            """{"event_id":"event_8","type":"response.output_audio.done","response_id":"resp_001","item_id":"msg_007","output_index":0,"content_index":0}""",
            """{"event_id":"event_9","type":"response.output_audio_transcript.done","response_id":"resp_001","item_id":"msg_007","output_index":0,"content_index":0,"transcript":"Hello there."}""",
            """{"type":"conversation.item.input_audio_transcription.completed","event_id":"event_10","item_id":"msg_003","content_index":0,"transcript":"Hey, can you hear me?","usage":{"type":"tokens","total_tokens":22,"input_tokens":13,"input_token_details":{"text_tokens":0,"audio_tokens":13},"output_tokens":9}}""",
            """{"type":"response.done","event_id":"event_11","response":{"object":"realtime.response","id":"resp_001","status":"completed","status_details":null,"output":[{"id":"msg_007","type":"message","status":"completed","role":"assistant","content":[{"type":"output_audio","transcript":"Hello there."}]}],"usage":{"total_tokens":253,"input_tokens":132,"output_tokens":121,"input_token_details":{"text_tokens":119,"audio_tokens":13,"image_tokens":0,"cached_tokens":64,"cached_tokens_details":{"text_tokens":64,"audio_tokens":0,"image_tokens":0}},"output_token_details":{"text_tokens":30,"audio_tokens":91}}}}""",
            """{"event_id":"event_12","type":"rate_limits.updated","rate_limits":[{"name":"requests","limit":1000,"remaining":999,"reset_seconds":60}]}""",
            """{"event_id":"event_2526","type":"conversation.item.truncated","item_id":"msg_007","content_index":0,"audio_end_ms":1500}""",
            """{"event_id":"event_13","type":"response.done","response":{"object":"realtime.response","id":"resp_002","status":"cancelled","status_details":{"type":"cancelled","reason":"turn_detected"},"output":[],"usage":null}}""",
        ];
        foreach (var json in script)
        {
            await _server.SendAsync(json);
        }

        // Each usage is also reported as an event, right after the event that carried it, for the call's cost.
        var all = await ReadAsync(14);
        var events = all.Where(e => e is not EngineUsageReported).ToList();
        var reports = all.OfType<EngineUsageReported>().ToList();
        Assert.Equal(3, reports.Count);
        Assert.All(reports, r => Assert.Equal("gpt-realtime", r.Model));
        Assert.Equal(22, reports[0].Usage.TranscriptionTokens);
        Assert.IsType<CallerTranscript>(all[all.IndexOf(reports[0]) - 1]);
        Assert.Equal((1, 119, 13, 64, 30, 91), (reports[1].Usage.Responses, reports[1].Usage.InputTextTokens, reports[1].Usage.InputAudioTokens,
            reports[1].Usage.CachedInputTokens, reports[1].Usage.OutputTextTokens, reports[1].Usage.OutputAudioTokens));
        Assert.Equal(new ResponseFinished("resp_001", "completed", null), all[all.IndexOf(reports[1]) - 1]);

        Assert.Equal(new CallerSpeechStarted(1000, "msg_003"), events[0]);
        Assert.Equal(new CallerSpeechStopped(2000, "msg_003"), events[1]);
        Assert.Equal(new ResponseStarted("resp_001"), events[2]);
        var delta = Assert.IsType<AgentAudioDelta>(events[3]);
        Assert.Equal(("resp_001", "msg_007", 0), (delta.ResponseId, delta.ItemId, delta.ContentIndex));
        Assert.Equal(audio, delta.Audio.ToArray());
        Assert.Equal(new AgentTranscriptDelta("resp_001", "msg_007", "Hello"), events[4]);
        Assert.Equal(new CallerKeypress('5'), events[5]); // SIP's keypress event carries no event_id
        Assert.Equal(new AgentTranscriptDone("resp_001", "msg_007", "Hello there."), events[6]);
        Assert.Equal(new CallerTranscript("msg_003", "Hey, can you hear me?"), events[7]);
        Assert.Equal(new ResponseFinished("resp_001", "completed", null), events[8]);
        Assert.Equal(new AgentItemTruncated("msg_007", 1500), events[9]);
        Assert.Equal(new ResponseFinished("resp_002", "cancelled", "turn_detected"), events[10]);

        var usage = _engine.Usage;
        Assert.Equal(2, usage.Responses);
        Assert.Equal((119, 13, 64, 30, 91, 22),
            (usage.InputTextTokens, usage.InputAudioTokens, usage.CachedInputTokens, usage.OutputTextTokens, usage.OutputAudioTokens, usage.TranscriptionTokens));
    }

    [Fact]
    public async Task ReadEventsAsync_EventsLargerThanTheReceiveBuffer_ArriveWhole_AndTheReusedBufferDoesNotLeakIntoTheNext()
    {
        // Frames are read into one pooled buffer of 16 KB that grows for a larger event and is reused for the next one.
        var large = Enumerable.Range(0, 150_000).Select(i => (byte)(i * 31 + 7)).ToArray(); // 200 KB of base64
        byte[] small = [9, 8, 7, 6];
        await _server.SendAsync(AudioDelta("msg_1", large));
        await _server.SendAsync(AudioDelta("msg_2", small));
        await _server.SendAsync("""{"event_id":"event_6","type":"response.output_audio_transcript.delta","response_id":"resp_001","item_id":"msg_2","output_index":0,"content_index":0,"delta":"Hi"}""");

        var events = await ReadAsync(3);

        var first = Assert.IsType<AgentAudioDelta>(events[0]);
        Assert.Equal(("msg_1", large.Length), (first.ItemId, first.Audio.Length));
        Assert.True(large.AsSpan().SequenceEqual(first.Audio.Span), "the large delta's audio differs from what was sent");
        var second = Assert.IsType<AgentAudioDelta>(events[1]);
        Assert.Equal(small, second.Audio.ToArray());
        Assert.Equal(new AgentTranscriptDelta("resp_001", "msg_2", "Hi"), events[2]);

        static string AudioDelta(string itemId, byte[] audio) =>
            $$"""{"event_id":"event_5","type":"response.output_audio.delta","response_id":"resp_001","item_id":"{{itemId}}","output_index":0,"content_index":0,"delta":"{{Convert.ToBase64String(audio)}}"}""";
    }

    [Fact]
    public async Task ReadEventsAsync_FunctionCall_IsRequestedOnceAlthoughResponseDoneRepeatsIt()
    {
        await _server.SendAsync("""{"event_id":"event_5556","type":"response.function_call_arguments.done","response_id":"resp_002","item_id":"fc_001","output_index":0,"call_id":"call_001","name":"get_weather","arguments":"{\"location\": \"San Francisco\"}"}""");
        await _server.SendAsync("""{"event_id":"event_5557","type":"response.done","response":{"object":"realtime.response","id":"resp_002","status":"completed","status_details":null,"output":[{"id":"fc_001","object":"realtime.item","type":"function_call","status":"completed","name":"get_weather","call_id":"call_001","arguments":"{\"location\": \"San Francisco\"}"}],"usage":null}}""");

        var events = await ReadAsync(2);

        Assert.Equal(new ToolCallRequested("call_001", "get_weather", """{"location": "San Francisco"}"""), events[0]);
        Assert.Equal(new ResponseFinished("resp_002", "completed", null), events[1]);
    }

    [Fact]
    public async Task ReadEventsAsync_ErrorEvent_IsReportedAndTheSessionStaysUsable()
    {
        await _server.SendAsync("""{"event_id":"event_890","type":"error","error":{"type":"invalid_request_error","code":"response_cancel_not_active","message":"Cancellation failed: no active response found.","param":null,"event_id":null}}""");
        await _server.SendAsync("""{"event_id":"event_1","type":"input_audio_buffer.speech_started","audio_start_ms":40,"item_id":"msg_1"}""");

        var events = await ReadAsync(2);

        Assert.Equal(new EngineError("response_cancel_not_active", "Cancellation failed: no active response found."), events[0]);
        Assert.Equal(new CallerSpeechStarted(40, "msg_1"), events[1]);
    }

    [Fact]
    public async Task ServerClose1001_EndsTheStreamWithEngineClosed()
    {
        await _server.CloseAsync(WebSocketCloseStatus.EndpointUnavailable, "Your session hit the maximum duration of 60 minutes.");

        var events = new List<EngineEvent>();
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await foreach (var e in _engine.ReadEventsAsync(guard.Token))
        {
            events.Add(e);
        }

        Assert.Equal([new EngineClosed("1001 Your session hit the maximum duration of 60 minutes.")], events);
    }

    private async Task<List<EngineEvent>> ReadAsync(int count)
    {
        var events = new List<EngineEvent>();
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await foreach (var e in _engine.ReadEventsAsync(guard.Token))
        {
            events.Add(e);
            if (events.Count == count)
            {
                break;
            }
        }

        return events;
    }
}
