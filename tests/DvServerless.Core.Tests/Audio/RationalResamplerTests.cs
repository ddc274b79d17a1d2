using System.Buffers.Binary;
using DvServerless.Core.Audio;

namespace DvServerless.Core.Tests.Audio;

/// <summary>The resampler that takes espeak-ng's 22050 Hz audio to the leg's rate.</summary>
public sealed class RationalResamplerTests
{
    [Theory]
    [InlineData(8_000)]
    [InlineData(16_000)]
    [InlineData(24_000)]
    public void A_tone_keeps_its_pitch_level_and_length(int outputRate)
    {
        var input = Sine(22_050, 1000, 22_050); // one second of 1 kHz at −9 dBFS peak
        var output = new RationalResampler(22_050, outputRate).Process(input);
        var samples = output.Length / 2;

        Assert.InRange(samples, outputRate - 1, outputRate + 1);
        // Skip the filter's start-up, then count zero crossings: 2 per cycle.
        var steady = output.AsSpan(200, output.Length - 400);
        var crossings = 0;
        for (var i = 2; i < steady.Length; i += 2)
        {
            if ((BinaryPrimitives.ReadInt16LittleEndian(steady[(i - 2)..]) < 0) != (BinaryPrimitives.ReadInt16LittleEndian(steady[i..]) < 0))
            {
                crossings++;
            }
        }

        var hertz = crossings / 2.0 / (steady.Length / 2.0 / outputRate);
        Assert.InRange(hertz, 995, 1005);
        Assert.InRange(AudioLevel.RmsDbfs(steady), -9 - 3.01 - 0.2, -9 - 3.01 + 0.2);
    }

    [Fact]
    public void Chunked_input_gives_the_same_samples_as_whole_input()
    {
        var input = Sine(22_050, 440, 10_000);
        var whole = new RationalResampler(22_050, 16_000).Process(input);
        var chunked = new RationalResampler(22_050, 16_000);
        var pieces = new List<byte>();
        for (var offset = 0; offset < input.Length; offset += 777)
        {
            pieces.AddRange(chunked.Process(input.AsSpan(offset, Math.Min(777, input.Length - offset))));
        }

        Assert.Equal(whole, pieces.ToArray());
    }

    private static short[] Sine(int rate, double hertz, int count) =>
        Enumerable.Range(0, count).Select(i => (short)Math.Round(Math.Sin(2 * Math.PI * hertz * i / rate) * AudioLevel.FromDbfs(-9) * 32767)).ToArray();
}
