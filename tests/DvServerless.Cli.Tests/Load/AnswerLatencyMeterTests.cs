using DvServerless.Cli.Load;
using DvServerless.Core.Audio;
using DvServerless.Simulators.Acs;

namespace DvServerless.Cli.Tests.Load;

public sealed class AnswerLatencyMeterTests
{
    private static readonly AudioFormat Format = AudioFormat.Pcm16k;

    // Lines of 1 s, 2 s and 0.5 s: line 1 runs 1.0–2.0 s, line 2 6.5–8.5 s, the barge-in line 9.8–10.3 s, line 1 again 14.8 s on.
    private static readonly LoadCallerScript Script = LoadCallerScript.Compose([Speech(1000, 0), Speech(2000, 0), Speech(500, 0)], Format, TimeSpan.FromSeconds(29));

    [Fact]
    public void Compose_KnowsWhereEachLineStartsAndEnds()
    {
        Assert.Equal([1000, 6500, 9800, 14_800, 20_300, 23_600, 28_600], Script.LineStarts.Select(t => t.TotalMilliseconds).ToArray());
        // The last line is cut at the call's end (29 s): it has no end to answer.
        Assert.Equal([2000, 8500, 10_300, 15_800, 22_300, 24_100], Script.LineEnds.Select(t => t.TotalMilliseconds).ToArray());
    }

    [Fact]
    public void ALinesEnd_IsWhereItsSpeechEnds_NotItsTrailingSilence()
    {
        // Line 1: 1 s of speech, then 300 ms of silence; then -41 dBFS (below the speech level) counts as silence too.
        var script = LoadCallerScript.Compose([Speech(1000, 300), Speech(2000, 0), Speech(500, 0, level: 250)], Format, TimeSpan.FromSeconds(12));

        Assert.Equal(2000, script.LineEnds[0].TotalMilliseconds);
        Assert.Equal(1000 + 1300 + 4500, script.LineStarts[1].TotalMilliseconds);
        // A line with no speech at all ends where its audio ends.
        Assert.Equal(script.LineStarts[2].TotalMilliseconds + 500, script.LineEnds[2].TotalMilliseconds);
    }

    [Fact]
    public void TheFirstAgentFrameAfterALine_IsItsAnswer_AndTheAnswerInterruptedByTheBargeInIsNotTheBargeInsAnswer()
    {
        var latency = new LatencyHistogram();
        var meter = new AnswerLatencyMeter(Script, latency);

        // Line 1's answer from 2.6 s (600 ms), frames for 2 s; a frame before any line ended counts for nothing.
        Frame(meter, 500);
        Frames(meter, 2600, 3000);
        // Line 2's answer from 9.2 s (700 ms), cut by a StopAudio at 10.1 s, during the barge-in line.
        Frames(meter, 9200, 10_080);
        meter.OnMessage(new OutboundMediaMessage(TimeSpan.FromMilliseconds(10_100), OutboundMediaKind.StopAudio, OutboundMediaSpelling.DocsPascalCase, 0, 60));
        // The barge-in line's answer from 11.1 s (800 ms).
        Frames(meter, 11_100, 12_000);

        Assert.Equal(3, meter.Answers);
        Assert.Equal(3, latency.Count);
        Assert.Equal(700, latency.Percentile(50)!.Value, 0);
    }

    [Fact]
    public void AnAnswerStillPlayingWhenTheLineEnds_OrOneThatComesAfterTheNextLineStarted_IsNotCounted()
    {
        var latency = new LatencyHistogram();
        var meter = new AnswerLatencyMeter(Script, latency);

        // Line 1 is answered only after line 2 began (7 s): no answer to line 1; the frames run on past line 2's end.
        Frames(meter, 7000, 9000);

        Assert.Equal(0, meter.Answers);
        Assert.Equal(0, latency.Count);
    }

    /// <summary>PCM of <paramref name="speechMs"/> at <paramref name="level"/> (a square wave), then <paramref name="silenceMs"/> of zeros.</summary>
    private static byte[] Speech(int speechMs, int silenceMs, short level = 8000)
    {
        var pcm = new byte[Format.BytesPerMillisecond * (speechMs + silenceMs)];
        for (var i = 0; i < Format.BytesPerMillisecond * speechMs; i += 2)
        {
            BitConverter.TryWriteBytes(pcm.AsSpan(i), (short)(i % 4 == 0 ? level : -level));
        }

        return pcm;
    }

    private static void Frames(AnswerLatencyMeter meter, int fromMs, int untilMs)
    {
        for (var at = fromMs; at < untilMs; at += 20)
        {
            Frame(meter, at);
        }
    }

    private static void Frame(AnswerLatencyMeter meter, int atMs) =>
        meter.OnMessage(new OutboundMediaMessage(TimeSpan.FromMilliseconds(atMs), OutboundMediaKind.AudioData, OutboundMediaSpelling.DocsPascalCase, 640, 900));
}
