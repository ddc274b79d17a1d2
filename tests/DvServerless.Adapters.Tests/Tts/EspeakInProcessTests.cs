using DvServerless.Adapters.Tests.Speech.Offline;
using DvServerless.Adapters.Tts;
using DvServerless.Core.Audio;
using DvServerless.Core.Tts;
using Xunit.Abstractions;

namespace DvServerless.Adapters.Tests.Tts;

/// <summary>espeak-ng in the process: streamed audio at the leg's rate, sensible length and level, safe under concurrency.</summary>
public sealed class EspeakInProcessTests(ITestOutputHelper output)
{
    private const string Reply = "I can book an appointment for you. What day and time would suit you?";
    private readonly EspeakTextToSpeech _tts = new();

    [SkippableTheory]
    [InlineData(16_000)]
    [InlineData(24_000)]
    [InlineData(8_000)]
    public async Task Streaming_yields_speech_in_several_chunks_at_the_requested_rate(int sampleRate)
    {
        OfflineSpeechTools.RequireInProcessEspeak();
        var format = new AudioFormat(sampleRate);
        var chunks = new List<byte[]>();
        await foreach (var chunk in _tts.StreamAsync(new TtsRequest(Reply, "en-us", format)))
        {
            Assert.Equal(0, chunk.Length % 2);
            chunks.Add(chunk.ToArray());
        }

        var pcm = chunks.SelectMany(c => c).ToArray();
        var seconds = format.DurationMs(pcm.Length) / 1000;
        output.WriteLine($"{sampleRate} Hz: {chunks.Count} chunks, {seconds:F2} s, RMS {AudioLevel.RmsDbfs(pcm):F1} dBFS, peak {AudioLevel.PeakDbfs(pcm):F1} dBFS");
        // espeak hands audio over in blocks of about 100 ms; a 4 s reply therefore streams as many chunks.
        Assert.True(chunks.Count >= 10, $"Only {chunks.Count} chunks.");
        // 13 words at 165 words per minute with a sentence pause: about 4–5 s.
        Assert.InRange(seconds, 3.0, 6.5);
        Assert.InRange(AudioLevel.RmsDbfs(pcm), -30, -12);
        Assert.InRange(AudioLevel.PeakDbfs(pcm), -12, -0.1);
    }

    [SkippableFact]
    public async Task Synthesis_runs_on_a_thread_of_its_own_never_on_a_thread_pool_thread()
    {
        OfflineSpeechTools.RequireInProcessEspeak();
        var blocks = 0;
        var onPoolThreads = 0;

        // espeak hands each block of audio over on the thread that synthesizes: where the CPU work of a sentence runs.
        var known = await EspeakLibrary.SynthesizeAsync(Reply, "en-us", 165, 2, _ =>
        {
            blocks++;
            onPoolThreads += Thread.CurrentThread.IsThreadPoolThread ? 1 : 0;
        }, CancellationToken.None);

        Assert.True(known);
        Assert.True(blocks > 0);
        // A sentence's tens to hundreds of milliseconds of CPU on a pool thread (one per core by default) would hold it
        // away from every call's timers.
        Assert.Equal(0, onPoolThreads);
    }

    [SkippableFact]
    public async Task Concurrent_requests_are_spoken_one_at_a_time_and_each_is_whole()
    {
        OfflineSpeechTools.RequireInProcessEspeak();
        var single = await _tts.SynthesizeAsync(new TtsRequest(Reply, "en-us", AudioFormat.Pcm16k));
        var texts = Enumerable.Range(0, 8).Select(i => i % 2 == 0 ? Reply : "Thank you for calling. Goodbye!").ToList();
        var other = await _tts.SynthesizeAsync(new TtsRequest(texts[1], "en-us", AudioFormat.Pcm16k));

        var results = await Task.WhenAll(texts.Select(text => Task.Run(() => _tts.SynthesizeAsync(new TtsRequest(text, "en-us", AudioFormat.Pcm16k)))));

        for (var i = 0; i < results.Length; i++)
        {
            // espeak keeps a little state between utterances, so lengths vary by a few samples, never by a word.
            var expected = i % 2 == 0 ? single.Length : other.Length;
            Assert.InRange(results[i].Length, expected * 0.98, expected * 1.02);
        }
    }

    [SkippableFact]
    public async Task A_reader_that_stops_early_leaves_the_engine_free_for_the_next_request()
    {
        OfflineSpeechTools.RequireInProcessEspeak();
        await foreach (var chunk in _tts.StreamAsync(new TtsRequest(Reply, "en-us", AudioFormat.Pcm24k)))
        {
            Assert.False(chunk.IsEmpty);
            break;
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var next = await _tts.SynthesizeAsync(new TtsRequest("Still here.", "en-us", AudioFormat.Pcm24k), timeout.Token);
        Assert.InRange(AudioFormat.Pcm24k.DurationMs(next.Length), 400, 2000);
    }

    [SkippableFact]
    public async Task Speed_sets_the_speaking_rate()
    {
        OfflineSpeechTools.RequireInProcessEspeak();
        var slow = await _tts.SynthesizeAsync(new TtsRequest(Reply, "en-us", AudioFormat.Pcm16k, Options: new TtsVoiceOptions { Speed = 0.7 }));
        var fast = await _tts.SynthesizeAsync(new TtsRequest(Reply, "en-us", AudioFormat.Pcm16k, Options: new TtsVoiceOptions { Speed = 1.2 }));

        // 116 vs 198 words per minute: the slow one lasts clearly longer (pauses do not scale fully with the rate).
        Assert.True(slow.Length > fast.Length * 1.3, $"slow {slow.Length} bytes, fast {fast.Length} bytes");
    }

    [SkippableFact]
    public async Task An_unknown_voice_is_a_text_to_speech_error()
    {
        OfflineSpeechTools.RequireInProcessEspeak();
        var error = await Assert.ThrowsAsync<TextToSpeechException>(() => _tts.SynthesizeAsync(new TtsRequest("hello", "no-such-voice", AudioFormat.Pcm16k)));
        Assert.Contains("no-such-voice", error.Message, StringComparison.Ordinal);

        Assert.NotEmpty(await _tts.SynthesizeAsync(new TtsRequest("hello", "en-us", AudioFormat.Pcm16k)));
    }
}
