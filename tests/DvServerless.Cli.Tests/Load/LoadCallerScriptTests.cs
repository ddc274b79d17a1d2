using DvServerless.Cli.Load;
using DvServerless.Core.Audio;

namespace DvServerless.Cli.Tests.Load;

public sealed class LoadCallerScriptTests
{
    private static readonly AudioFormat Format = AudioFormat.Pcm16k;

    [Fact]
    public void Compose_CyclesTheThreeLines_WithTheBargeInLineCuttingIntoTheAnswer()
    {
        // Lines of 1 s, 2 s and 0.5 s of non-zero samples.
        byte[][] lines = [Speech(1000, 1), Speech(2000, 2), Speech(500, 3)];
        var script = LoadCallerScript.Compose(lines, Format, TimeSpan.FromSeconds(30));

        Assert.Equal(Format.BytesPerMillisecond * 30_000, script.Pcm.Length);
        // Cycle: 1 s silence, line 1 (1 s), 4.5 s pause, line 2 (2 s), 1.3 s pause, line 3 (0.5 s), 4.5 s pause = 13.8 s on.
        var firstBargeIn = TimeSpan.FromMilliseconds(1000 + 1000 + 4500 + 2000 + 1300);
        Assert.Equal([firstBargeIn, firstBargeIn + TimeSpan.FromMilliseconds(13_800)], script.BargeIns);
        Assert.Equal(0, SampleAt(script, 999));
        Assert.Equal(1, SampleAt(script, 1000));
        Assert.Equal(0, SampleAt(script, 2000 + 4499));
        Assert.Equal(2, SampleAt(script, 2000 + 4500));
        Assert.Equal(3, SampleAt(script, (int)firstBargeIn.TotalMilliseconds));
        Assert.Equal(1, SampleAt(script, 13_800 + 1000));
    }

    [Fact]
    public void Compose_CutsTheLastLineAtTheCallsEnd()
    {
        byte[][] lines = [Speech(1000, 1), Speech(2000, 2), Speech(500, 3)];
        var script = LoadCallerScript.Compose(lines, Format, TimeSpan.FromMilliseconds(1500));

        Assert.Equal(Format.BytesPerMillisecond * 1500, script.Pcm.Length);
        Assert.Empty(script.BargeIns);
        Assert.Equal(1, SampleAt(script, 1499));
    }

    [Fact]
    public void Compose_NeedsThreeSpokenLines()
    {
        Assert.Throws<ArgumentException>(() => LoadCallerScript.Compose([Speech(100, 1)], Format, TimeSpan.FromSeconds(10)));
        Assert.Throws<ArgumentException>(() => LoadCallerScript.Compose([Speech(100, 1), [], Speech(100, 1)], Format, TimeSpan.FromSeconds(10)));
    }

    private static byte[] Speech(int milliseconds, short value)
    {
        var pcm = new byte[Format.BytesPerMillisecond * milliseconds];
        for (var i = 0; i < pcm.Length; i += 2)
        {
            BitConverter.TryWriteBytes(pcm.AsSpan(i), value);
        }

        return pcm;
    }

    private static short SampleAt(LoadCallerScript script, int milliseconds) =>
        BitConverter.ToInt16(script.Pcm.Span.Slice(Format.BytesPerMillisecond * milliseconds, 2));
}
