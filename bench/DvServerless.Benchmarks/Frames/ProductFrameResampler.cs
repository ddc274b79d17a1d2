using DvServerless.Core.Audio;
using DvServerless.MediaWorker.Calls;

namespace DvServerless.Benchmarks.Frames;

/// <summary>The call loop's own resampling buffer (the fixed-point <see cref="PcmResampler"/> behind a pooled buffer).</summary>
public sealed class ProductFrameResampler(AudioFormat from, AudioFormat to) : IFrameResampler
{
    private readonly ResamplingBuffer _buffer = new(from, to);

    /// <inheritdoc />
    public ReadOnlyMemory<byte> Process(ReadOnlySpan<byte> input) => _buffer.Process(input);

    /// <inheritdoc />
    public void Dispose() => _buffer.Dispose();
}
