using System.Buffers;

namespace DvServerless.Core.Audio;

/// <summary>
/// The audio path's byte buffers, rented from <see cref="ArrayPool{T}.Shared"/> and counted: <see cref="Outstanding"/> is
/// how many are rented and not yet returned. With every call ended it must come back to where it was, so a soak or a
/// load run shows whether every buffer went back (a buffer never returned is no corruption, just memory the pool lost).
/// </summary>
public static class PooledBuffers
{
    private static long s_rented;
    private static long s_returned;

    /// <summary>Buffers rented and not yet returned.</summary>
    public static long Outstanding => Interlocked.Read(ref s_rented) - Interlocked.Read(ref s_returned);

    /// <summary>Buffers rented since the process started.</summary>
    public static long Rented => Interlocked.Read(ref s_rented);

    /// <summary>A buffer of at least <paramref name="minimumLength"/> bytes (at least 1).</summary>
    public static byte[] Rent(int minimumLength)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(1, minimumLength));
        Interlocked.Increment(ref s_rented);
        return buffer;
    }

    /// <summary>Gives <paramref name="buffer"/> back; it must have come from <see cref="Rent"/> and not be used again.</summary>
    public static void Return(byte[] buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        ArrayPool<byte>.Shared.Return(buffer);
        Interlocked.Increment(ref s_returned);
    }
}
