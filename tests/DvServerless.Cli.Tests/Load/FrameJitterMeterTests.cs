using DvServerless.Cli.Load;
using DvServerless.Simulators.Acs;

namespace DvServerless.Cli.Tests.Load;

public sealed class FrameJitterMeterTests
{
    private static readonly TimeSpan Lead = TimeSpan.FromMilliseconds(100);

    [Fact]
    public void TheLeadBurstIsSkipped_AndEachIntervalBetweenPacedFramesCountsItsDistanceFrom20Ms()
    {
        var jitter = new LatencyHistogram();
        var meter = new FrameJitterMeter(jitter, Lead);
        // The worker sends 6 frames at once (100 ms lead), then one per 20 ms; one frame comes 7 ms late, the next 7 ms early.
        var arrivals = new List<double> { 1000, 1000.1, 1000.2, 1000.3, 1000.4, 1000.5 };
        arrivals.AddRange([1020.5, 1040.5, 1067.5, 1080.5, 1100.5]);
        foreach (var at in arrivals)
        {
            meter.OnMessage(Frame(at));
        }

        Assert.Equal(11, meter.Frames);
        Assert.Equal(4, meter.Measured);
        Assert.Equal(4, jitter.Count);
        Assert.Equal(7, jitter.MaxMs, 6);
        Assert.Equal(0, jitter.Percentile(50)!.Value, 6);
    }

    [Fact]
    public void AStopAudioOrASecondOfSilence_StartsANewItem_WhoseBurstIsSkippedAgain()
    {
        var jitter = new LatencyHistogram();
        var meter = new FrameJitterMeter(jitter, Lead);
        Feed(meter, start: 0, frames: 10);
        meter.OnMessage(new OutboundMediaMessage(TimeSpan.FromMilliseconds(205), OutboundMediaKind.StopAudio, OutboundMediaSpelling.DotNetPascalCase, 0, 40));
        Feed(meter, start: 300, frames: 10);
        Feed(meter, start: 2000, frames: 10);

        // Each run of 10 frames: the first 6 are the burst allowance and the 7th is the first paced one, so the 3
        // intervals between paced frames are measured, all on time.
        Assert.Equal(30, meter.Frames);
        Assert.Equal(9, meter.Measured);
        Assert.Equal(0, jitter.MaxMs, 6);
    }

    [Fact]
    public void ABurstCompletedByALateEngineChunk_IsNotJitter_ButALateFrameAfterItIs()
    {
        var jitter = new LatencyHistogram();
        var meter = new FrameJitterMeter(jitter, Lead);
        // The engine's first chunk holds one frame; the next chunks come 25 ms later, when frames 1-6 are all due and go
        // out together (frame 6 plays at +120 ms, less than the lead ahead of +25 ms). Then one frame per 20 ms from
        // +40 ms, and one frame 12 ms late.
        var arrivals = new List<double> { 1000, 1025, 1025.01, 1025.02, 1025.03, 1025.04, 1025.05 };
        arrivals.AddRange([1040, 1060, 1080, 1112, 1120, 1140]);
        foreach (var at in arrivals)
        {
            meter.OnMessage(Frame(at));
        }

        // Intervals between paced frames: 1025.05→1040 (14.95, frame 7 paced against frame 6 that the engine held back),
        // 20, 20, 32, 8, 20.
        Assert.Equal(6, meter.Measured);
        Assert.Equal(12, jitter.MaxMs, 6);
        Assert.Equal(0, jitter.Percentile(50)!.Value, 6);
    }

    [Fact]
    public void AStallShorterThanASecond_IsJitter_NotANewItem()
    {
        var jitter = new LatencyHistogram();
        var meter = new FrameJitterMeter(jitter, Lead);
        Feed(meter, start: 0, frames: 8);
        meter.OnMessage(Frame(140 + 400));

        Assert.Equal(380, jitter.MaxMs, 6);
    }

    [Fact]
    public void EmptyAudioAndInvalidMessages_AreNotFrames()
    {
        var meter = new FrameJitterMeter(new LatencyHistogram(), Lead);
        meter.OnMessage(new OutboundMediaMessage(TimeSpan.Zero, OutboundMediaKind.AudioData, OutboundMediaSpelling.DotNetPascalCase, 0, 50));
        meter.OnMessage(new OutboundMediaMessage(TimeSpan.Zero, OutboundMediaKind.Invalid, OutboundMediaSpelling.Invalid, 0, 50));

        Assert.Equal(0, meter.Frames);
    }

    private static void Feed(FrameJitterMeter meter, double start, int frames)
    {
        for (var i = 0; i < frames; i++)
        {
            meter.OnMessage(Frame(start + i * 20));
        }
    }

    private static OutboundMediaMessage Frame(double atMs) =>
        new(TimeSpan.FromMilliseconds(atMs), OutboundMediaKind.AudioData, OutboundMediaSpelling.DotNetPascalCase, 960, 1400);
}
