using DvServerless.Benchmarks.Audio;
using DvServerless.Core.Audio;

namespace DvServerless.Benchmarks.Frames;

/// <summary>
/// The float implementation the product replaced (<see cref="FloatPcmResampler"/>) behind a buffer allocated once, as the
/// product's resampling buffer holds one; for the side-by-side frame-path figures only.
/// </summary>
public sealed class FloatFrameResampler(AudioFormat from, AudioFormat to) : IFrameResampler
{
    private readonly FloatPcmResampler _resampler = new(from, to);
    private readonly byte[] _buffer = new byte[4096];

    /// <inheritdoc />
    public ReadOnlyMemory<byte> Process(ReadOnlySpan<byte> input)
    {
        input = input[..(input.Length & ~1)];
        return _buffer.AsMemory(0, _resampler.Process(input, _buffer));
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }
}
