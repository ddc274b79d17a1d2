using System.Buffers;

namespace DvServerless.Core.Audio;

/// <summary>
/// Audio bytes in a buffer rented from <see cref="ArrayPool{T}.Shared"/>. The receiver owns it and must
/// <see cref="Dispose"/> it exactly once, after which the bytes must not be read.
/// </summary>
public readonly struct PooledAudio : IDisposable
{
    private readonly byte[]? _buffer;

    /// <summary>Wraps <paramref name="length"/> bytes of a rented <paramref name="buffer"/>.</summary>
    public PooledAudio(byte[] buffer, int length)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, buffer.Length);
        _buffer = buffer;
        Length = length;
    }

    /// <summary>Rents a buffer and copies <paramref name="source"/> into it.</summary>
    public static PooledAudio CopyOf(ReadOnlySpan<byte> source)
    {
        var buffer = PooledBuffers.Rent(Math.Max(1, source.Length));
        source.CopyTo(buffer);
        return new PooledAudio(buffer, source.Length);
    }

    /// <summary>Number of valid bytes.</summary>
    public int Length { get; }

    /// <summary>The valid bytes.</summary>
    public ReadOnlyMemory<byte> Memory => _buffer is null ? ReadOnlyMemory<byte>.Empty : _buffer.AsMemory(0, Length);

    /// <summary>The valid bytes.</summary>
    public ReadOnlySpan<byte> Span => _buffer is null ? ReadOnlySpan<byte>.Empty : _buffer.AsSpan(0, Length);

    /// <summary>Returns the buffer to the pool.</summary>
    public void Dispose()
    {
        if (_buffer is not null)
        {
            PooledBuffers.Return(_buffer);
        }
    }
}
