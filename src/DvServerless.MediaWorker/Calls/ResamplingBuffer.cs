using System.Buffers;
using DvServerless.Core.Audio;

namespace DvServerless.MediaWorker.Calls;

/// <summary>
/// Converts PCM from one rate to another into a pooled buffer that grows once to the largest chunk seen and is reused
/// for every later chunk, so a call's audio path allocates nothing per frame. One per direction of a call; not
/// thread-safe.
/// </summary>
internal sealed class ResamplingBuffer : IDisposable
{
    private const int MinimumBytes = 4096;

    private readonly PcmResampler _resampler;
    private byte[]? _buffer;

    public ResamplingBuffer(AudioFormat from, AudioFormat to) => _resampler = new PcmResampler(from, to);

    /// <summary>
    /// Converts <paramref name="input"/> (a trailing odd byte is ignored: samples are 16-bit) and returns the converted
    /// audio, valid until the next call.
    /// </summary>
    public ReadOnlyMemory<byte> Process(ReadOnlySpan<byte> input)
    {
        input = input[..(input.Length & ~1)];
        var size = _resampler.GetMaxOutputByteCount(input.Length);
        if (_buffer is null || _buffer.Length < size)
        {
            if (_buffer is not null)
            {
                PooledBuffers.Return(_buffer);
            }

            _buffer = PooledBuffers.Rent(Math.Max(size, MinimumBytes));
        }

        var written = _resampler.Process(input, _buffer);
        return _buffer.AsMemory(0, written);
    }

    public void Dispose()
    {
        if (_buffer is not null)
        {
            PooledBuffers.Return(_buffer);
            _buffer = null;
        }
    }
}
