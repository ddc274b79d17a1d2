using DvServerless.Cli.Load;
using DvServerless.Simulators.Acs;

namespace DvServerless.Cli.Tests.Load;

public sealed class FrameJitterMeterTests
{
    private static readonly TimeSpan Lead = TimeSpan.FromMilliseconds(100);

    [Fact]
    public void TheLeadBurstIsSkipped_AndEachLaterIntervalCountsItsDistanceFrom20Ms()
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
        Assert.Equal(5, meter.Measured);
        Assert.Equal(5, jitter.Count);
        Assert.Equal(7, jitter.MaxMs, 6);
        Assert.Equal(0, jitter.Percentile(60)!.Value, 6);
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

        // Each run of 10 paced frames: the first 6 are the burst allowance, so 4 intervals are measured, all on time.
        Assert.Equal(30, meter.Frames);
        Assert.Equal(12, meter.Measured);
        Assert.Equal(0, jitter.MaxMs, 6);
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
