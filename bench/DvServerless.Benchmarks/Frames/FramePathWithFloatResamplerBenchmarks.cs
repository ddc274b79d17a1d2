using DvServerless.Core.Audio;

namespace DvServerless.Benchmarks.Frames;

/// <summary>
/// <see cref="FramePathBenchmarks"/> at the 16 kHz leg with the float resampler the product replaced, so one run
/// (<c>--filter '*FramePath*'</c>) measures the old and the new frame path side by side. The name keeps it out of
/// <c>scripts/bench-frames.sh</c>, which filters on <c>FramePathBenchmarks</c>.
/// </summary>
public class FramePathWithFloatResamplerBenchmarks : FramePathBenchmarks
{
    /// <summary>Only the resampled leg: at 24 kHz there is nothing to compare.</summary>
    public override IEnumerable<int> LegRates => [16_000];

    /// <inheritdoc />
    protected override IFrameResampler CreateResampler(AudioFormat input, AudioFormat output) => new FloatFrameResampler(input, output);
}
