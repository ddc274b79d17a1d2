using DvServerless.Core.Audio;

namespace DvServerless.Core.Tests.Audio;

public sealed class EnergyVadTests
{
    private static readonly AudioFormat Format = AudioFormat.Pcm16k;

    private static byte[] Tone() => TestSignals.Sine(16_000, 300, 0.1, 320);      // −23 dBFS, 20 ms

    private static byte[] Quiet() => TestSignals.Sine(16_000, 300, 0.001, 320);   // −63 dBFS, 20 ms

    private static List<VadDecision> Run(EnergyVad vad, params (Func<byte[]> Frame, int Count)[] script)
    {
        var decisions = new List<VadDecision>();
        foreach (var (frame, count) in script)
        {
            for (var i = 0; i < count; i++)
            {
                decisions.Add(vad.Process(frame(), Format));
            }
        }

        return decisions;
    }

    [Fact]
    public void Tone_after_silence_starts_speech_once_the_minimum_duration_is_reached()
    {
        var vad = new EnergyVad(thresholdDbfs: -40, minSpeechMs: 60, hangoverMs: 200);
        var decisions = Run(vad, (Quiet, 10), (Tone, 5));

        Assert.All(decisions.Take(12), d => Assert.Equal(VadActivity.Silence, d.Activity));
        var started = decisions[12];
        Assert.Equal(VadActivity.SpeechStarted, started.Activity);
        Assert.Equal(260, started.FrameEndMs, 6);
        Assert.Equal(200, started.SpeechStartMs!.Value, 6); // the onset, not the confirmation
        Assert.Equal(-23, started.LevelDbfs, 0);
        Assert.Equal(VadActivity.Speech, decisions[13].Activity);
        Assert.Equal(VadActivity.Speech, decisions[14].Activity);
        Assert.True(vad.InSpeech);
        Assert.Equal(300, vad.ElapsedMs, 6);
    }

    [Fact]
    public void Silence_longer_than_the_hangover_stops_speech_at_the_last_loud_frame()
    {
        var vad = new EnergyVad(thresholdDbfs: -40, minSpeechMs: 60, hangoverMs: 200);
        var decisions = Run(vad, (Tone, 10), (Quiet, 15));

        Assert.Equal(VadActivity.SpeechStarted, decisions[2].Activity);
        Assert.All(decisions.Skip(3).Take(16), d => Assert.Equal(VadActivity.Speech, d.Activity));
        var stopped = decisions[19]; // 10 quiet frames = 200 ms of hangover
        Assert.Equal(VadActivity.SpeechStopped, stopped.Activity);
        Assert.Equal(0, stopped.SpeechStartMs!.Value, 6);
        Assert.Equal(200, stopped.SpeechEndMs!.Value, 6);
        Assert.Equal(400, stopped.FrameEndMs, 6);
        Assert.All(decisions.Skip(20), d => Assert.Equal(VadActivity.Silence, d.Activity));
        Assert.False(vad.InSpeech);
    }

    [Fact]
    public void Pauses_shorter_than_the_hangover_keep_one_utterance()
    {
        var vad = new EnergyVad(thresholdDbfs: -40, minSpeechMs: 40, hangoverMs: 200);
        var decisions = Run(vad, (Tone, 5), (Quiet, 9), (Tone, 5), (Quiet, 10));

        Assert.Single(decisions, d => d.Activity == VadActivity.SpeechStarted);
        var stopped = Assert.Single(decisions, d => d.Activity == VadActivity.SpeechStopped);
        Assert.Equal(0, stopped.SpeechStartMs!.Value, 6);
        Assert.Equal(380, stopped.SpeechEndMs!.Value, 6);
    }

    [Fact]
    public void A_click_shorter_than_the_minimum_is_not_speech()
    {
        var vad = new EnergyVad(thresholdDbfs: -40, minSpeechMs: 100, hangoverMs: 200);
        var decisions = Run(vad, (Quiet, 3), (Tone, 4), (Quiet, 3), (Tone, 4), (Quiet, 3));
        Assert.All(decisions, d => Assert.Equal(VadActivity.Silence, d.Activity));
        Assert.All(decisions, d => Assert.Null(d.SpeechStartMs));
    }

    [Fact]
    public void Two_utterances_report_two_starts_and_two_stops_with_their_own_times()
    {
        var vad = new EnergyVad(thresholdDbfs: -40, minSpeechMs: 20, hangoverMs: 100);
        var decisions = Run(vad, (Tone, 3), (Quiet, 5), (Quiet, 5), (Tone, 3), (Quiet, 5));

        var starts = decisions.Where(d => d.Activity == VadActivity.SpeechStarted).ToList();
        var stops = decisions.Where(d => d.Activity == VadActivity.SpeechStopped).ToList();
        Assert.Equal([0.0, 260.0], starts.Select(d => d.SpeechStartMs!.Value));
        Assert.Equal([60.0, 320.0], stops.Select(d => d.SpeechEndMs!.Value));
    }

    [Fact]
    public void Digital_silence_is_below_any_threshold()
    {
        var vad = new EnergyVad(thresholdDbfs: -100, minSpeechMs: 0, hangoverMs: 0);
        var decision = vad.Process(new byte[320], Format);
        Assert.Equal(VadActivity.Silence, decision.Activity);
        Assert.Equal(AudioLevel.FloorDbfs, decision.LevelDbfs);
    }

    [Fact]
    public void Timing_follows_the_audio_at_any_rate_and_frame_size()
    {
        var vad = new EnergyVad(thresholdDbfs: -40, minSpeechMs: 30, hangoverMs: 100);
        var tone = TestSignals.Sine(24_000, 300, 0.1, 240); // 10 ms at 24 kHz
        VadDecision last = default;
        for (var i = 0; i < 3; i++)
        {
            last = vad.Process(tone, AudioFormat.Pcm24k);
        }

        Assert.Equal(VadActivity.SpeechStarted, last.Activity);
        Assert.Equal(30, last.FrameEndMs, 6);
    }

    [Fact]
    public void Reset_returns_to_silence_at_time_zero()
    {
        var vad = new EnergyVad(thresholdDbfs: -40, minSpeechMs: 20, hangoverMs: 100);
        Run(vad, (Tone, 5));
        vad.Reset();
        Assert.False(vad.InSpeech);
        Assert.Equal(0, vad.ElapsedMs);
        var decision = vad.Process(Tone(), Format);
        Assert.Equal(VadActivity.SpeechStarted, decision.Activity);
        Assert.Equal(0, decision.SpeechStartMs);
    }

    [Fact]
    public void Non_pcm_formats_and_bad_settings_are_refused()
    {
        var vad = new EnergyVad();
        Assert.Throws<ArgumentException>(() => vad.Process(new byte[160], new AudioFormat(8_000, AudioEncoding.Mulaw)));
        Assert.Throws<ArgumentException>(() => vad.Process(new byte[3], Format));
        Assert.Throws<ArgumentOutOfRangeException>(() => new EnergyVad(minSpeechMs: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new EnergyVad(hangoverMs: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new EnergyVad(thresholdDbfs: double.NegativeInfinity));
    }
}
