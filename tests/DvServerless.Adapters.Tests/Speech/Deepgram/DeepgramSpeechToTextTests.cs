using System.Net.WebSockets;
using System.Text.Json;
using DvServerless.Adapters.Speech.Deepgram;
using DvServerless.Core.Speech;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace DvServerless.Adapters.Tests.Speech.Deepgram;

/// <summary>
/// The Deepgram recognizer against a local stand-in of <c>/v1/listen</c> that checks the published handshake (query
/// parameters, <c>Authorization: Token</c>), the binary audio frames and the <c>KeepAlive</c> / <c>CloseStream</c> text
/// messages, and that answers with Deepgram's message shapes.
/// </summary>
public sealed class DeepgramSpeechToTextTests
{
    [Fact]
    public async Task Handshake_carries_the_options_as_listen_query_parameters_and_the_token()
    {
        await using var server = await FakeDeepgramServer.StartAsync();
        var stt = Create(server);

        await using var recognition = await stt.StartAsync(new SpeechRecognitionOptions
        {
            CallId = "call-1",
            Language = "en-US",
            EndpointingMs = 300,
            Keywords = ["DvServerless", "Contoso Dental"],
            Diarize = true,
            ProfanityFilter = true,
        }, CancellationToken.None);

        Assert.Equal("/v1/listen", server.Path);
        Assert.Equal("Token dg-test-key", server.Authorization);
        var q = server.Query;
        Assert.Equal("nova-3", q["model"]);
        Assert.Equal("en-US", q["language"]);
        Assert.Equal("linear16", q["encoding"]);
        Assert.Equal("16000", q["sample_rate"]);
        Assert.Equal("1", q["channels"]);
        Assert.Equal("true", q["interim_results"]);
        Assert.Equal("300", q["endpointing"]);
        Assert.Equal("1000", q["utterance_end_ms"]);
        Assert.Equal("true", q["vad_events"]);
        Assert.Equal("true", q["smart_format"]);
        Assert.Equal("true", q["punctuate"]);
        Assert.Equal("true", q["diarize"]);
        Assert.Equal("true", q["profanity_filter"]);
        Assert.Equal("DvServerless,Contoso Dental", string.Join(",", q["keyterm"].ToArray()));
        Assert.False(q.ContainsKey("keywords"));
        Assert.Equal(16_000, stt.InputFormat.SampleRate);
    }

    [Fact]
    public void Older_models_boost_keywords_and_no_interim_results_means_no_utterance_end()
    {
        var url = DeepgramListenQuery.Build(new Uri("https://api.deepgram.com"), "nova-2-phonecall",
            new SpeechRecognitionOptions { Keywords = ["Contoso"], InterimResults = false, EndpointingMs = 0, SmartFormat = false });

        Assert.Equal("wss", url.Scheme);
        Assert.Equal("api.deepgram.com", url.Host);
        Assert.Equal("/v1/listen", url.AbsolutePath);
        Assert.Contains("keywords=Contoso", url.Query);
        Assert.DoesNotContain("keyterm", url.Query);
        Assert.Contains("interim_results=false", url.Query);
        Assert.Contains("endpointing=false", url.Query);
        Assert.Contains("smart_format=false", url.Query);
        Assert.DoesNotContain("utterance_end_ms", url.Query);
    }

    [Fact]
    public async Task Audio_goes_out_as_binary_frames_byte_for_byte()
    {
        await using var server = await FakeDeepgramServer.StartAsync();
        await using var recognition = await Create(server).StartAsync(new SpeechRecognitionOptions(), CancellationToken.None);
        var frames = Enumerable.Range(1, 3).Select(i => Enumerable.Repeat((byte)i, 640).ToArray()).ToList();

        foreach (var frame in frames)
        {
            await recognition.SendAudioAsync(frame, CancellationToken.None);
        }

        foreach (var frame in frames)
        {
            var received = await server.NextFrameAsync();
            Assert.Equal(WebSocketMessageType.Binary, received.Type);
            Assert.Equal(frame, received.Bytes);
        }
    }

    [Fact]
    public async Task A_turn_in_several_final_segments_becomes_one_end_of_turn_final_with_partials_of_the_whole_turn()
    {
        await using var server = await FakeDeepgramServer.StartAsync();
        await using var recognition = await Create(server).StartAsync(new SpeechRecognitionOptions(), CancellationToken.None);

        await server.SendAsync("""{"type":"SpeechStarted","channel":[0,1],"timestamp":0.92}""");
        await server.SendAsync(FakeDeepgramServer.Results("hello", 0.9, 0.6, isFinal: false, speechFinal: false, 0.7));
        await server.SendAsync(FakeDeepgramServer.Results("Hello, I'd like", 0.9, 1.1, isFinal: true, speechFinal: false, 0.96));
        await server.SendAsync(FakeDeepgramServer.Results("to book a", 2.0, 0.7, isFinal: false, speechFinal: false, 0.8));
        await server.SendAsync(FakeDeepgramServer.Results("to book a table.", 2.0, 1.3, isFinal: true, speechFinal: true, 0.9));
        var events = await ReadAsync(recognition, 5);

        Assert.Equal(new SpeechStarted(TimeSpan.FromSeconds(0.92)), events[0]);
        Assert.Equal(new SpeechPartial("hello"), events[1]);
        Assert.Equal(new SpeechPartial("Hello, I'd like"), events[2]);
        Assert.Equal(new SpeechPartial("Hello, I'd like to book a"), events[3]);
        var final = Assert.IsType<SpeechFinal>(events[4]);
        Assert.Equal("Hello, I'd like to book a table.", final.Text);
        Assert.True(final.EndOfTurn);
        Assert.Equal(TimeSpan.FromSeconds(0.9), final.Start);
        Assert.Equal(TimeSpan.FromSeconds(3.3), final.End);
        Assert.Equal(0.93, final.Confidence!.Value, 3);
        Assert.Null(final.Sentiment);
    }

    [Fact]
    public async Task Utterance_end_closes_a_turn_that_endpointing_did_not_and_a_second_one_adds_nothing()
    {
        await using var server = await FakeDeepgramServer.StartAsync();
        await using var recognition = await Create(server).StartAsync(new SpeechRecognitionOptions { InterimResults = false }, CancellationToken.None);

        await server.SendAsync(FakeDeepgramServer.Results("the line is noisy", 5.0, 1.5, isFinal: true, speechFinal: false));
        await server.SendAsync("""{"type":"UtteranceEnd","channel":[0,1],"last_word_end":6.41}""");
        await server.SendAsync("""{"type":"UtteranceEnd","channel":[0,1],"last_word_end":6.41}""");
        await server.SendAsync(FakeDeepgramServer.Results("yes", 8.0, 0.4, isFinal: true, speechFinal: true));
        var events = await ReadAsync(recognition, 2);

        var first = Assert.IsType<SpeechFinal>(events[0]);
        Assert.Equal("the line is noisy", first.Text);
        Assert.True(first.EndOfTurn);
        Assert.Equal("yes", Assert.IsType<SpeechFinal>(events[1]).Text);
    }

    [Fact]
    public async Task Sentiment_is_filled_when_deepgram_gives_it()
    {
        await using var server = await FakeDeepgramServer.StartAsync();
        await using var recognition = await Create(server).StartAsync(new SpeechRecognitionOptions { Sentiment = true }, CancellationToken.None);

        await server.SendAsync("""
            {"type":"Results","duration":1.2,"start":0.5,"is_final":true,"speech_final":true,"channel":{"alternatives":[{"transcript":"This is great.","confidence":0.97,"sentiment":"positive","sentiment_score":0.72}]}}
            """);
        var final = Assert.IsType<SpeechFinal>((await ReadAsync(recognition, 1))[0]);

        Assert.Equal(new SpeechSentiment("positive", 0.72), final.Sentiment);
    }

    [Fact]
    public async Task Silence_gaps_get_keep_alives_as_text_frames_and_steady_audio_needs_none()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-05T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        await using var server = await FakeDeepgramServer.StartAsync();
        await using var recognition = await Create(server, time).StartAsync(new SpeechRecognitionOptions(), CancellationToken.None);

        // Audio every second for 10 s: never 4 s without a send.
        for (var second = 0; second < 10; second++)
        {
            await recognition.SendAudioAsync(new byte[320], CancellationToken.None);
            Assert.Equal(WebSocketMessageType.Binary, (await server.NextFrameAsync()).Type);
            time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(20);
        }

        Assert.False(server.TryTakeFrame(out _));

        // Then silence: the clock moves on until a KeepAlive arrives.
        ReceivedFrame? keepAlive = null;
        for (var step = 0; step < 100 && keepAlive is null; step++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            try
            {
                keepAlive = await server.NextFrameAsync(TimeSpan.FromMilliseconds(100));
            }
            catch (OperationCanceledException)
            {
            }
        }

        Assert.NotNull(keepAlive);
        Assert.Equal(WebSocketMessageType.Text, keepAlive.Type);
        Assert.Equal("KeepAlive", JsonDocument.Parse(keepAlive.Bytes).RootElement.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Complete_sends_close_stream_and_the_events_end_after_deepgrams_last_results()
    {
        await using var server = await FakeDeepgramServer.StartAsync();
        await using var recognition = await Create(server).StartAsync(new SpeechRecognitionOptions(), CancellationToken.None);
        await recognition.SendAudioAsync(new byte[640], CancellationToken.None);
        Assert.Equal(WebSocketMessageType.Binary, (await server.NextFrameAsync()).Type);

        await recognition.CompleteAsync(CancellationToken.None);
        var closeStream = await server.NextFrameAsync();
        Assert.Equal(WebSocketMessageType.Text, closeStream.Type);
        Assert.Equal("CloseStream", JsonDocument.Parse(closeStream.Bytes).RootElement.GetProperty("type").GetString());
        await server.SendAsync(FakeDeepgramServer.Results("goodbye", 1.0, 0.5, isFinal: true, speechFinal: false));
        await server.SendAsync("""{"type":"Metadata","transaction_key":"deprecated","request_id":"8c8ebea9-dbec-45fa-a035-e4632cb05b5f","sha256":"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855","created":"2026-12-05T08:37:55.202Z","duration":1.5,"channels":1}""");
        await server.CloseAsync(WebSocketCloseStatus.NormalClosure, "");

        var events = await ReadAllAsync(recognition);
        Assert.Equal(2, events.Count);
        Assert.Equal(new SpeechPartial("goodbye"), events[0]);
        var final = Assert.IsType<SpeechFinal>(events[1]);
        Assert.Equal("goodbye", final.Text);
        Assert.True(final.EndOfTurn);
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await recognition.SendAudioAsync(new byte[2], CancellationToken.None));
    }

    [Fact]
    public async Task An_abnormal_close_is_a_fatal_error_event()
    {
        await using var server = await FakeDeepgramServer.StartAsync();
        await using var recognition = await Create(server).StartAsync(new SpeechRecognitionOptions(), CancellationToken.None);

        await server.CloseAsync(WebSocketCloseStatus.InternalServerError, "NET-0001");

        var error = Assert.IsType<SpeechRecognitionError>(Assert.Single(await ReadAllAsync(recognition)));
        Assert.True(error.Fatal);
        Assert.Contains("1011", error.Message);
        Assert.Contains("NET-0001", error.Message);
    }

    [Fact]
    public async Task A_refused_handshake_fails_start_with_the_status_and_deepgrams_reason()
    {
        await using var server = await FakeDeepgramServer.StartAsync();
        server.RefuseWith = 401;

        var error = await Assert.ThrowsAsync<SpeechToTextException>(() => Create(server).StartAsync(new SpeechRecognitionOptions(), CancellationToken.None));

        Assert.Equal("deepgram", error.Provider);
        Assert.Contains("401", error.Message);
        Assert.Contains("Invalid credentials", error.Message);
        Assert.DoesNotContain("dg-test-key", error.Message);
    }

    [Fact]
    public async Task Without_a_key_start_says_what_to_set()
    {
        var stt = new DeepgramSpeechToText(Options.Create(new DeepgramOptions()), TimeProvider.System, NullLogger<DeepgramSpeechToText>.Instance);
        var error = await Assert.ThrowsAsync<SpeechToTextException>(() => stt.StartAsync(new SpeechRecognitionOptions(), CancellationToken.None));
        Assert.Contains("Deepgram__ApiKey", error.Message);
    }

    private static DeepgramSpeechToText Create(FakeDeepgramServer server, TimeProvider? time = null) =>
        new(Options.Create(new DeepgramOptions { ApiKey = "dg-test-key", BaseUrl = server.BaseUrl }),
            time ?? TimeProvider.System, NullLogger<DeepgramSpeechToText>.Instance);

    private static async Task<List<SpeechRecognitionEvent>> ReadAsync(ISpeechRecognition recognition, int count)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var events = new List<SpeechRecognitionEvent>();
        await foreach (var e in recognition.ReadEventsAsync(timeout.Token))
        {
            events.Add(e);
            if (events.Count == count)
            {
                break;
            }
        }

        return events;
    }

    private static async Task<List<SpeechRecognitionEvent>> ReadAllAsync(ISpeechRecognition recognition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var events = new List<SpeechRecognitionEvent>();
        await foreach (var e in recognition.ReadEventsAsync(timeout.Token))
        {
            events.Add(e);
        }

        return events;
    }
}
