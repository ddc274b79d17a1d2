using DvServerless.Adapters.Speech.Offline;
using DvServerless.Core.Speech;
using Microsoft.Extensions.Options;

namespace DvServerless.Adapters.Tests.Speech.Offline;

/// <summary>
/// What the call loop depends on from the offline recognizer: one speech-started cue per turn at the onset, the end of
/// the turn after the endpointing silence (not before), interim text while speaking, nothing for silence.
/// </summary>
public sealed class PocketSphinxRecognitionTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "dvs-offline-stt-" + Guid.NewGuid().ToString("N"));
    private readonly PocketSphinxSpeechToText _stt = new(Options.Create(new PocketSphinxOptions()), TimeProvider.System);

    [SkippableTheory]
    [InlineData(500)]
    [InlineData(900)]
    public async Task The_turn_ends_after_the_endpointing_silence_and_not_before(int endpointingMs)
    {
        OfflineSpeechTools.RequireRecognizerAndFlite();
        var speech = OfflineSpeechTools.Flite("what are your opening hours", _folder);
        var speechEndMs = 500 + OfflineSpeechTools.SpeechEndMs(speech);
        var recognition = (PocketSphinxRecognition)await _stt.StartAsync(new SpeechRecognitionOptions { EndpointingMs = endpointingMs }, CancellationToken.None);
        await using (recognition)
        {
            var events = new EventCollector(recognition);
            await RecognitionDriver.SendAsync(recognition, RecognitionDriver.Join(OfflineSpeechTools.Noise(500, 1), speech));
            var sentMs = 500 + speech.Length / 32.0;
            // Silence up to 200 ms short of the endpointing: the caller may still go on, so the turn stays open.
            sentMs = await SendSilenceUntilAsync(recognition, sentMs, speechEndMs + endpointingMs - 200);
            await WaitProcessedAsync(recognition, sentMs);
            Assert.Single(events.Snapshot().OfType<SpeechStarted>());
            Assert.Empty(events.Snapshot().OfType<SpeechFinal>());

            await SendSilenceUntilAsync(recognition, sentMs, speechEndMs + endpointingMs + 200);
            await recognition.CompleteAsync(CancellationToken.None);
            var all = await events.Completion;

            var started = Assert.Single(all.OfType<SpeechStarted>());
            var final = Assert.Single(all.OfType<SpeechFinal>());
            Assert.True(final.EndOfTurn);
            Assert.Equal("what are your opening hours", final.Text);
            Assert.InRange(final.End.TotalMilliseconds, speechEndMs - 60, speechEndMs + 60);
            Assert.InRange(started.AudioOffset.TotalMilliseconds, 480, 800);
            Assert.Equal(started.AudioOffset, final.Start);
            Assert.True(all.IndexOf(started) < all.IndexOf(final));
        }
    }

    [SkippableFact]
    public async Task Silence_and_quiet_line_noise_yield_no_events()
    {
        OfflineSpeechTools.RequireRecognizerAndFlite();
        var recognition = await _stt.StartAsync(new SpeechRecognitionOptions(), CancellationToken.None);
        await using (recognition)
        {
            await RecognitionDriver.SendAsync(recognition, RecognitionDriver.Join(new byte[32_000], OfflineSpeechTools.Noise(3000, 7, -55)));
            await recognition.CompleteAsync(CancellationToken.None);
            Assert.Empty(await RecognitionDriver.ReadAllAsync(recognition, TimeSpan.FromSeconds(30)));
        }
    }

    [SkippableFact]
    public async Task Two_turns_in_one_call_give_two_finals_in_order_with_partials_while_speaking()
    {
        OfflineSpeechTools.RequireRecognizerAndFlite();
        var first = OfflineSpeechTools.Flite("I want to check my account balance", _folder);
        var second = OfflineSpeechTools.Flite("yes please", _folder);
        var recognition = await _stt.StartAsync(new SpeechRecognitionOptions { EndpointingMs = 500 }, CancellationToken.None);
        await using (recognition)
        {
            // Chunks of odd sizes, as a leg may deliver them, must not change what is heard.
            var clip = RecognitionDriver.Join(OfflineSpeechTools.Noise(400, 2), first, OfflineSpeechTools.Noise(1200, 3), second, OfflineSpeechTools.Noise(1000, 4));
            for (var offset = 0; offset < clip.Length; offset += 333)
            {
                await recognition.SendAudioAsync(clip.AsMemory(offset, Math.Min(333, clip.Length - offset)), CancellationToken.None);
            }

            await recognition.CompleteAsync(CancellationToken.None);
            var events = await RecognitionDriver.ReadAllAsync(recognition, TimeSpan.FromSeconds(60));

            Assert.Equal(2, events.OfType<SpeechStarted>().Count());
            var finals = events.OfType<SpeechFinal>().ToList();
            Assert.Equal(["i want to check my account balance", "yes please"], finals.Select(f => f.Text));
            Assert.All(finals, f => Assert.True(f.EndOfTurn));
            Assert.True(finals[0].End < finals[1].Start);
            var firstFinal = events.IndexOf(finals[0]);
            Assert.Contains(events.Take(firstFinal), e => e is SpeechPartial);
            Assert.IsType<SpeechStarted>(events[firstFinal + 1]);
        }
    }

    [SkippableFact]
    public async Task Interim_results_can_be_turned_off()
    {
        OfflineSpeechTools.RequireRecognizerAndFlite();
        var speech = OfflineSpeechTools.Flite("I would like to speak to the manager", _folder);
        var recognition = await _stt.StartAsync(new SpeechRecognitionOptions { InterimResults = false }, CancellationToken.None);
        await using (recognition)
        {
            await RecognitionDriver.SendAsync(recognition, RecognitionDriver.Join(OfflineSpeechTools.Noise(500, 5), speech, OfflineSpeechTools.Noise(1000, 6)));
            await recognition.CompleteAsync(CancellationToken.None);
            var events = await RecognitionDriver.ReadAllAsync(recognition, TimeSpan.FromSeconds(60));
            Assert.DoesNotContain(events, e => e is SpeechPartial);
            Assert.Equal("i would like to speak to the manager", Assert.Single(events.OfType<SpeechFinal>()).Text);
        }
    }

    [SkippableFact]
    public async Task Speech_still_in_progress_when_the_caller_hangs_up_gets_its_final()
    {
        OfflineSpeechTools.RequireRecognizerAndFlite();
        var speech = OfflineSpeechTools.Flite("can I cancel my reservation", _folder);
        var recognition = await _stt.StartAsync(new SpeechRecognitionOptions(), CancellationToken.None);
        await using (recognition)
        {
            await RecognitionDriver.SendAsync(recognition, RecognitionDriver.Join(OfflineSpeechTools.Noise(500, 8), speech));
            await recognition.CompleteAsync(CancellationToken.None);
            var final = Assert.Single((await RecognitionDriver.ReadAllAsync(recognition, TimeSpan.FromSeconds(60))).OfType<SpeechFinal>());
            Assert.True(final.EndOfTurn);
            // The audio up to the hang-up was decoded, to its last word ("cancel" alone is sometimes heard as "can sell").
            Assert.EndsWith("my reservation", final.Text, StringComparison.Ordinal);
        }
    }

    [SkippableFact]
    public async Task Speech_longer_than_the_segment_limit_is_cut_into_segments_and_one_end_of_turn()
    {
        OfflineSpeechTools.RequireRecognizerAndFlite();
        using var stt = new PocketSphinxSpeechToText(Options.Create(new PocketSphinxOptions { MaxSegmentMs = 1000 }), TimeProvider.System);
        var speech = OfflineSpeechTools.Flite("I would like to book an appointment for tomorrow", _folder);
        var recognition = await stt.StartAsync(new SpeechRecognitionOptions(), CancellationToken.None);
        await using (recognition)
        {
            await RecognitionDriver.SendAsync(recognition, RecognitionDriver.Join(OfflineSpeechTools.Noise(500, 11), speech, OfflineSpeechTools.Noise(1000, 12)));
            await recognition.CompleteAsync(CancellationToken.None);
            var events = await RecognitionDriver.ReadAllAsync(recognition, TimeSpan.FromSeconds(60));

            var finals = events.OfType<SpeechFinal>().ToList();
            Assert.Single(events.OfType<SpeechStarted>());
            Assert.True(finals.Count >= 2, $"{finals.Count} finals");
            Assert.All(finals[..^1], f => Assert.False(f.EndOfTurn));
            Assert.True(finals[^1].EndOfTurn);
            for (var i = 1; i < finals.Count; i++)
            {
                Assert.Equal(finals[i - 1].End, finals[i].Start);
            }

            // Cutting mid-word costs the words at each cut ("book an appointment" became "but | blind man"), so only words away from the cuts are checked.
            var heard = WordErrorRate.Words(string.Join(' ', finals.Select(f => f.Text)));
            var segments = string.Join(" | ", finals.Select(f => f.Text));
            Assert.True(heard.Contains("like") && heard.Contains("tomorrow"), segments);
        }
    }

    [SkippableFact]
    public async Task A_configured_grammar_limits_recognition_to_its_phrases()
    {
        OfflineSpeechTools.RequireRecognizerAndFlite();
        const string grammar = "#JSGF V1.0; grammar intents; public <intent> = what are your opening hours | can i cancel my reservation | yes please | talk to a human;";
        using var stt = new PocketSphinxSpeechToText(Options.Create(new PocketSphinxOptions { Grammar = grammar }), TimeProvider.System);
        var speech = OfflineSpeechTools.Flite("can I cancel my reservation", _folder);
        var recognition = await stt.StartAsync(new SpeechRecognitionOptions(), CancellationToken.None);
        await using (recognition)
        {
            await RecognitionDriver.SendAsync(recognition, RecognitionDriver.Join(OfflineSpeechTools.Noise(500, 9), speech, OfflineSpeechTools.Noise(1000, 10)));
            await recognition.CompleteAsync(CancellationToken.None);
            var final = Assert.Single((await RecognitionDriver.ReadAllAsync(recognition, TimeSpan.FromSeconds(60))).OfType<SpeechFinal>());
            Assert.Equal("can i cancel my reservation", final.Text);
        }
    }

    [Fact]
    public async Task A_missing_model_is_a_clear_speech_to_text_error()
    {
        using var stt = new PocketSphinxSpeechToText(Options.Create(new PocketSphinxOptions { ModelDirectory = Path.Combine(_folder, "no-model") }), TimeProvider.System);
        var error = await Assert.ThrowsAsync<SpeechToTextException>(() => stt.StartAsync(new SpeechRecognitionOptions(), CancellationToken.None));
        Assert.Equal("pocketsphinx", error.Provider);
    }

    public void Dispose()
    {
        _stt.Dispose();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private static async Task<double> SendSilenceUntilAsync(ISpeechRecognition recognition, double sentMs, double untilMs)
    {
        var milliseconds = (int)Math.Ceiling((untilMs - sentMs) / 20) * 20;
        if (milliseconds > 0)
        {
            await RecognitionDriver.SendAsync(recognition, OfflineSpeechTools.Noise(milliseconds, (int)sentMs));
        }

        return sentMs + Math.Max(0, milliseconds);
    }

    private static async Task WaitProcessedAsync(PocketSphinxRecognition recognition, double sentMs)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        // The recognizer works in whole 20 ms frames; a partial frame waits for more audio.
        while (recognition.ProcessedMs < Math.Floor(sentMs / 20) * 20 - 1)
        {
            await Task.Delay(10, timeout.Token);
        }
    }
}
