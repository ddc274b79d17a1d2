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
        // The engine's first chunk holds one frame; the next chunks come 25 ms later, when the caller has played that
        // frame and heard 5 ms of silence: the worker starts its timeline afresh and frames 1-6 go out together. Then
        // one frame per 20 ms from +40 ms, and one frame 12 ms late.
        var arrivals = new List<double> { 1000, 1025, 1025.01, 1025.02, 1025.03, 1025.04, 1025.05 };
        arrivals.AddRange([1040, 1060, 1080, 1112, 1120, 1140]);
        foreach (var at in arrivals)
        {
            meter.OnMessage(Frame(at));
        }

        // The run starts again at +25 ms; 1040 is its first paced frame. Intervals between paced frames: 20, 20, 32, 8, 20.
        Assert.Equal(5, meter.Measured);
        Assert.Equal(12, jitter.MaxMs, 6);
        Assert.Equal(0, jitter.Percentile(50)!.Value, 6);
    }

    [Fact]
    public void ANewItemStarting400MsAfterThePreviousOne_GivesNoJitterSampleForTheGap()
    {
        var jitter = new LatencyHistogram();
        var meter = new FrameJitterMeter(jitter, Lead);
        // Two agent items with no StopAudio between: the second one's burst comes 400 ms after the first one's last
        // frame, when the caller has played all of the first (its last frame ended 120 ms after it arrived).
        var lastOfFirst = Item(meter, start: 1000, pacedFrames: 10);
        Item(meter, start: lastOfFirst + 400, pacedFrames: 10);

        // Each item: 6 burst frames, 10 paced ones; the first paced interval is skipped, the other 9 are on time.
        Assert.Equal(32, meter.Frames);
        Assert.Equal(18, meter.Measured);
        Assert.Equal(0, jitter.MaxMs, 6);
    }

    [Fact]
    public void ALateFrameInsideAnItem_WhileTheCallerStillHasAudioQueued_IsJitter()
    {
        var jitter = new LatencyHistogram();
        var meter = new FrameJitterMeter(jitter, Lead);
        // A burst, 4 paced frames on time, then a frame 70 ms late (the caller still had 30 ms to play), then one on time.
        Item(meter, start: 0, pacedFrames: 4);
        meter.OnMessage(Frame(80 + 90));
        meter.OnMessage(Frame(80 + 90 + 20));

        Assert.Equal(5, meter.Measured);
        Assert.Equal(70, jitter.MaxMs, 6);
        Assert.Equal(0, jitter.Percentile(50)!.Value, 6);
    }

    [Fact]
    public void ALateFrameAfterTheCallerRanDry_StartsANewRun_WhoseBurstIsSkipped()
    {
        var jitter = new LatencyHistogram();
        var meter = new FrameJitterMeter(jitter, Lead);
        // Frames at the cadence with nothing queued ahead: a frame 400 ms late comes after the caller ran dry, and the
        // worker sends a lead's worth at once after it, as at an item's start.
        Feed(meter, start: 0, frames: 8);
        Item(meter, start: 140 + 400, pacedFrames: 3);

        // Run one: 8 frames, one interval past the burst allowance; run two: 6 burst, 3 paced, 2 intervals. All on time.
        Assert.Equal(1 + 2, meter.Measured);
        Assert.Equal(0, jitter.MaxMs, 6);
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

    /// <summary>An item as the worker sends it: the lead's burst at <paramref name="start"/>, then paced frames; returns the last arrival.</summary>
    private static double Item(FrameJitterMeter meter, double start, int pacedFrames)
    {
        var burst = (int)(Lead.TotalMilliseconds / 20) + 1;
        for (var i = 0; i < burst; i++)
        {
            meter.OnMessage(Frame(start + i * 0.1));
        }

        var last = start;
        for (var i = 1; i <= pacedFrames; i++)
        {
            last = start + i * 20;
            meter.OnMessage(Frame(last));
        }

        return last;
    }

    private static OutboundMediaMessage Frame(double atMs) =>
        new(TimeSpan.FromMilliseconds(atMs), OutboundMediaKind.AudioData, OutboundMediaSpelling.DotNetPascalCase, 960, 1400);
}
