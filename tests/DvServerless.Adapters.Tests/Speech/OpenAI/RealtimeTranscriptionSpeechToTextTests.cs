using System.Text.Json;
using DvServerless.Adapters.Engines.Realtime;
using DvServerless.Adapters.Speech.OpenAI;
using DvServerless.Adapters.Tests.Engines.Realtime;
using DvServerless.Core.Hosting;
using DvServerless.Core.Speech;
using DvServerless.Simulators.Realtime;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace DvServerless.Adapters.Tests.Speech.OpenAI;

/// <summary>
/// Speech-to-text over a Realtime transcription session: against the project's Realtime simulator (no key; OpenAI and
/// Azure styles of authentication), and against a scripted server that checks the GA wire format of what is sent.
/// </summary>
public sealed class RealtimeTranscriptionSpeechToTextTests
{
    private const int Rate = 24_000;

    [Theory]
    [InlineData(RealtimeServiceKind.Simulator)]
    [InlineData(RealtimeServiceKind.AzureOpenAI)]
    public async Task Simulator_transcribes_a_spoken_turn_into_started_partial_and_end_of_turn_final(RealtimeServiceKind service)
    {
        await using var simulator = await RealtimeSimulator.StartAsync(new RealtimeSimulatorOptions { CallerTranscripts = ["I'd like to book a table."] });
        var stt = Create(new RealtimeEngineOptions
        {
            Service = service,
            BaseUrl = new Uri(service == RealtimeServiceKind.AzureOpenAI ? simulator.AzureBaseUrl : simulator.BaseUrl),
            ApiKey = LocalDefaults.RealtimeSimulatorApiKey,
        });
        await using var recognition = await stt.StartAsync(new SpeechRecognitionOptions { CallId = "call-stt", EndpointingMs = 400 }, CancellationToken.None);

        // 300 ms of silence, 800 ms of a loud tone (the simulator's VAD is energy-based), 1 s of silence.
        await SendAsync(recognition, Silence(300));
        await SendAsync(recognition, Tone(800));
        await SendAsync(recognition, Silence(1_000));
        var events = await ReadUntilAsync(recognition, e => e is SpeechFinal);

        var started = Assert.IsType<SpeechStarted>(events[0]);
        Assert.InRange(started.AudioOffset, TimeSpan.Zero, TimeSpan.FromMilliseconds(300));
        Assert.Contains(new SpeechPartial("I'd like to book a table."), events);
        var final = Assert.IsType<SpeechFinal>(events[^1]);
        Assert.Equal("I'd like to book a table.", final.Text);
        Assert.True(final.EndOfTurn);
        Assert.Equal(started.AudioOffset, final.Start);
        Assert.InRange(final.End, TimeSpan.FromMilliseconds(1_100), TimeSpan.FromMilliseconds(2_100));
        var session = Assert.Single(simulator.Records.Sessions);
        Assert.True(session.IsTranscription);
        Assert.Equal(24_000, stt.InputFormat.SampleRate);

        await recognition.CompleteAsync(CancellationToken.None);
        Assert.Empty(await ReadUntilAsync(recognition, _ => false));
    }

    [Fact]
    public async Task Completing_mid_sentence_commits_and_waits_for_that_transcription()
    {
        await using var simulator = await RealtimeSimulator.StartAsync(new RealtimeSimulatorOptions { CallerTranscripts = ["goodbye"] });
        var stt = Create(new RealtimeEngineOptions { Service = RealtimeServiceKind.Simulator, BaseUrl = new Uri(simulator.BaseUrl), ApiKey = LocalDefaults.RealtimeSimulatorApiKey });
        await using var recognition = await stt.StartAsync(new SpeechRecognitionOptions { InterimResults = false }, CancellationToken.None);

        await SendAsync(recognition, Tone(600));
        await recognition.CompleteAsync(CancellationToken.None);
        var events = await ReadUntilAsync(recognition, _ => false);

        Assert.IsType<SpeechStarted>(events[0]);
        Assert.Equal("goodbye", Assert.IsType<SpeechFinal>(Assert.Single(events, e => e is SpeechFinal)).Text);
        Assert.DoesNotContain(events, e => e is SpeechPartial);
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await recognition.SendAudioAsync(new byte[2], CancellationToken.None));
    }

    [Fact]
    public async Task The_wire_shows_intent_transcription_a_ga_transcription_session_update_and_base64_audio()
    {
        await using var server = await FakeRealtimeServer.StartAsync();
        var stt = Create(new RealtimeEngineOptions { Service = RealtimeServiceKind.OpenAI, BaseUrl = new Uri(server.BaseUrl + "/v1"), ApiKey = "sk-test" });
        await using var recognition = await stt.StartAsync(new SpeechRecognitionOptions
        {
            Model = "gpt-4o-transcribe",
            Language = "ko-KR",
            EndpointingMs = 650,
            Keywords = ["Contoso"],
        }, CancellationToken.None);

        Assert.Equal("/v1/realtime", server.Handshake!.Path);
        Assert.Equal("?intent=transcription", server.Handshake.Query);
        Assert.Equal("Bearer sk-test", server.Handshake.Headers["Authorization"]);
        Assert.False(server.Handshake.Headers.ContainsKey("OpenAI-Beta"));
        var update = await server.NextFrameAsync();
        Assert.Equal("session.update", update.GetProperty("type").GetString());
        var session = update.GetProperty("session");
        Assert.Equal("transcription", session.GetProperty("type").GetString());
        var input = session.GetProperty("audio").GetProperty("input");
        Assert.Equal("audio/pcm", input.GetProperty("format").GetProperty("type").GetString());
        Assert.Equal(24_000, input.GetProperty("format").GetProperty("rate").GetInt32());
        Assert.Equal("gpt-4o-transcribe", input.GetProperty("transcription").GetProperty("model").GetString());
        Assert.Equal("ko", input.GetProperty("transcription").GetProperty("language").GetString());
        Assert.Contains("Contoso", input.GetProperty("transcription").GetProperty("prompt").GetString());
        Assert.Equal("server_vad", input.GetProperty("turn_detection").GetProperty("type").GetString());
        Assert.Equal(650, input.GetProperty("turn_detection").GetProperty("silence_duration_ms").GetInt32());
        Assert.Equal("item.input_audio_transcription.logprobs", session.GetProperty("include")[0].GetString());

        var audio = Tone(20);
        await recognition.SendAudioAsync(audio, CancellationToken.None);
        var append = await server.NextFrameAsync();
        Assert.Equal("input_audio_buffer.append", append.GetProperty("type").GetString());
        Assert.Equal(audio, Convert.FromBase64String(append.GetProperty("audio").GetString()!));
    }

    [Fact]
    public async Task Deltas_accumulate_into_partials_and_logprobs_give_the_final_its_confidence()
    {
        await using var server = await FakeRealtimeServer.StartAsync();
        var stt = Create(new RealtimeEngineOptions { Service = RealtimeServiceKind.OpenAI, BaseUrl = new Uri(server.BaseUrl + "/v1"), ApiKey = "sk-test" });
        await using var recognition = await stt.StartAsync(new SpeechRecognitionOptions(), CancellationToken.None);

        await server.SendAsync("""{"type":"input_audio_buffer.speech_started","event_id":"event_1516","audio_start_ms":1000,"item_id":"item_003"}""");
        await server.SendAsync("""{"type":"input_audio_buffer.speech_stopped","event_id":"event_1718","audio_end_ms":2000,"item_id":"item_003"}""");
        await server.SendAsync("""{"type":"input_audio_buffer.committed","event_id":"event_1719","previous_item_id":null,"item_id":"item_003"}""");
        await server.SendAsync("""{"type":"conversation.item.input_audio_transcription.delta","event_id":"event_1","item_id":"item_003","content_index":0,"delta":"Hey,","obfuscation":"aLxx0jTEciOGe"}""");
        await server.SendAsync("""{"type":"conversation.item.input_audio_transcription.delta","event_id":"event_2","item_id":"item_003","content_index":0,"delta":" can you hear me?"}""");
        await server.SendAsync("""
            {"type":"conversation.item.input_audio_transcription.completed","event_id":"event_3","item_id":"item_003","content_index":0,"transcript":"Hey, can you hear me?","logprobs":[{"token":"Hey","logprob":-0.1,"bytes":[72,101,121]},{"token":",","logprob":-0.3,"bytes":[44]}],"usage":{"type":"tokens","total_tokens":22,"input_tokens":13,"input_token_details":{"text_tokens":0,"audio_tokens":13},"output_tokens":9}}
            """);
        await server.SendAsync("""{"type":"conversation.item.input_audio_transcription.failed","event_id":"event_2324","item_id":"item_004","content_index":0,"error":{"type":"transcription_error","code":"audio_unintelligible","message":"The audio could not be transcribed.","param":null}}""");
        var events = await ReadUntilAsync(recognition, e => e is SpeechRecognitionError);

        Assert.Equal(
            [
                new SpeechStarted(TimeSpan.FromSeconds(1)),
                new SpeechPartial("Hey,"),
                new SpeechPartial("Hey, can you hear me?"),
            ],
            events.Take(3));
        var final = Assert.IsType<SpeechFinal>(events[3]);
        Assert.Equal(new SpeechFinal("Hey, can you hear me?", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), true, final.Confidence), final);
        Assert.Equal(Math.Exp(-0.2), final.Confidence!.Value, 6);
        var error = Assert.IsType<SpeechRecognitionError>(events[4]);
        Assert.False(error.Fatal);
        Assert.Contains("could not be transcribed", error.Message);
    }

    [Fact]
    public async Task A_refused_session_update_fails_the_start()
    {
        await using var server = await FakeRealtimeServer.StartAsync();
        server.SessionUpdateReply = _ => """{"type":"error","event_id":"event_9","error":{"type":"invalid_request_error","code":"invalid_value","message":"Invalid value: 'nova-3'. Supported values are: 'whisper-1', 'gpt-4o-transcribe'.","param":"session.audio.input.transcription.model","event_id":null}}""";
        var stt = Create(new RealtimeEngineOptions { Service = RealtimeServiceKind.OpenAI, BaseUrl = new Uri(server.BaseUrl + "/v1"), ApiKey = "sk-test" });

        var error = await Assert.ThrowsAsync<SpeechToTextException>(() => stt.StartAsync(new SpeechRecognitionOptions { Model = "nova-3" }, CancellationToken.None));

        Assert.Equal("openai", error.Provider);
        Assert.Contains("Invalid value: 'nova-3'", error.Message);
    }

    private static RealtimeTranscriptionSpeechToText Create(RealtimeEngineOptions endpoint) =>
        new(Options.Create(endpoint), Options.Create(new RealtimeTranscriptionOptions()), TimeProvider.System,
            NullLogger<RealtimeTranscriptionSpeechToText>.Instance);

    private static async Task SendAsync(ISpeechRecognition recognition, byte[] pcm)
    {
        const int frame = Rate / 50 * 2; // 20 ms
        for (var offset = 0; offset < pcm.Length; offset += frame)
        {
            await recognition.SendAudioAsync(pcm.AsMemory(offset, Math.Min(frame, pcm.Length - offset)), CancellationToken.None);
        }
    }

    private static async Task<List<SpeechRecognitionEvent>> ReadUntilAsync(ISpeechRecognition recognition, Func<SpeechRecognitionEvent, bool> last)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var events = new List<SpeechRecognitionEvent>();
        await foreach (var e in recognition.ReadEventsAsync(timeout.Token))
        {
            events.Add(e);
            if (last(e))
            {
                break;
            }
        }

        return events;
    }

    private static byte[] Silence(int ms) => new byte[Rate / 1000 * ms * 2];

    private static byte[] Tone(int ms)
    {
        var samples = Rate / 1000 * ms;
        var bytes = new byte[samples * 2];
        for (var i = 0; i < samples; i++)
        {
            var value = (short)(12_000 * Math.Sin(2 * Math.PI * 300 * i / Rate));
            bytes[2 * i] = (byte)value;
            bytes[(2 * i) + 1] = (byte)(value >> 8);
        }

        return bytes;
    }
}
