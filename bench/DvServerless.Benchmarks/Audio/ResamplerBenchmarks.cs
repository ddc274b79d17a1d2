using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using DvServerless.Core.Audio;

namespace DvServerless.Benchmarks.Audio;

/// <summary>
/// The resampling cost of one 20 ms frame per direction a 16 kHz ACS leg takes (caller 16 → 24 kHz engine, agent
/// 24 → 16 kHz) and of the telephone-band path (24 → 8 kHz, the longest filter): the fixed-point
/// <see cref="PcmResampler"/> against the float implementation it replaced (<see cref="FloatPcmResampler"/>, the
/// baseline of each category), in the same run. Budget: well under 5 µs per frame, so a worker core can carry
/// hundreds of calls.
/// </summary>
[MemoryDiagnoser]
[CategoriesColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class ResamplerBenchmarks
{
    private readonly PcmResampler _up = new(16_000, 24_000);
    private readonly PcmResampler _down = new(24_000, 16_000);
    private readonly PcmResampler _down8 = new(24_000, 8_000);
    private readonly FloatPcmResampler _floatUp = new(16_000, 24_000);
    private readonly FloatPcmResampler _floatDown = new(24_000, 16_000);
    private readonly FloatPcmResampler _floatDown8 = new(24_000, 8_000);
    private readonly byte[] _input24k = new byte[960];
    private readonly byte[] _input16k = new byte[640];
    private readonly byte[] _output = new byte[960];

    /// <summary>Fills the inputs with a 1 kHz tone.</summary>
    [GlobalSetup]
    public void Setup()
    {
        Tone(_input24k, 24_000);
        Tone(_input16k, 16_000);
    }

    /// <summary>One 20 ms frame 16 kHz → 24 kHz (caller to engine), fixed point.</summary>
    [Benchmark]
    [BenchmarkCategory("16k->24k")]
    public int Frame16kTo24k() => _up.Process(_input16k, _output);

    /// <summary>The same with the float implementation.</summary>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("16k->24k")]
    public int Frame16kTo24kFloat() => _floatUp.Process(_input16k, _output);

    /// <summary>One 20 ms frame 24 kHz → 16 kHz (engine to caller), fixed point.</summary>
    [Benchmark]
    [BenchmarkCategory("24k->16k")]
    public int Frame24kTo16k() => _down.Process(_input24k, _output);

    /// <summary>The same with the float implementation.</summary>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("24k->16k")]
    public int Frame24kTo16kFloat() => _floatDown.Process(_input24k, _output);

    /// <summary>One 20 ms frame 24 kHz → 8 kHz (the telephone-band path, the longest filter), fixed point.</summary>
    [Benchmark]
    [BenchmarkCategory("24k->8k")]
    public int Frame24kTo8k() => _down8.Process(_input24k, _output);

    /// <summary>The same with the float implementation.</summary>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("24k->8k")]
    public int Frame24kTo8kFloat() => _floatDown8.Process(_input24k, _output);

    private static void Tone(byte[] pcm, int rate)
    {
        for (var i = 0; i < pcm.Length / 2; i++)
        {
            BitConverter.TryWriteBytes(pcm.AsSpan(2 * i), (short)(16_000 * Math.Sin(2 * Math.PI * 1000 * i / rate)));
        }
    }
}
