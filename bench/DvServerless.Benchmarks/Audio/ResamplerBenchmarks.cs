using BenchmarkDotNet.Attributes;
using DvServerless.Core.Audio;

namespace DvServerless.Benchmarks.Audio;

/// <summary>
/// The resampling cost of one 20 ms frame on the path a 16 kHz ACS leg takes to a 24 kHz engine and back.
/// Budget: well under 5 µs per frame, so a worker core can carry hundreds of calls.
/// </summary>
[MemoryDiagnoser]
public class ResamplerBenchmarks
{
    private readonly PcmResampler _down = new(24_000, 16_000);
    private readonly PcmResampler _up = new(16_000, 24_000);
    private readonly byte[] _input = new byte[960];
    private readonly byte[] _middle = new byte[640];
    private readonly byte[] _output = new byte[960];

    /// <summary>Fills the input with a 1 kHz tone.</summary>
    [GlobalSetup]
    public void Setup()
    {
        for (var i = 0; i < 480; i++)
        {
            var sample = (short)(16_000 * Math.Sin(2 * Math.PI * 1000 * i / 24_000));
            BitConverter.TryWriteBytes(_input.AsSpan(2 * i), sample);
        }
    }

    /// <summary>One 20 ms frame 24 kHz → 16 kHz → 24 kHz.</summary>
    [Benchmark]
    public int Frame24kTo16kTo24k()
    {
        var middle = _down.Process(_input, _middle);
        return _up.Process(_middle.AsSpan(0, middle), _output);
    }

    /// <summary>One 20 ms frame 24 kHz → 8 kHz (the telephone-band path, the longest filter).</summary>
    [Benchmark]
    public int Frame24kTo8k() => _down8.Process(_input, _output);

    private readonly PcmResampler _down8 = new(24_000, 8_000);
}
