using System.Buffers;
using System.Runtime.CompilerServices;
using DvServerless.Core.Audio;

namespace DvServerless.Adapters.Tts;

/// <summary>
/// Reads a provider's raw PCM16 response body as it arrives and hands it on in even-length chunks at the rate the leg
/// asked for (a stateful <see cref="PcmResampler"/> when the provider's rate differs), so playout can start on the first
/// chunk instead of after the last.
/// </summary>
internal static class PcmResponseStream
{
    /// <summary>
    /// Bytes asked of the socket per read: 100 ms at 24 kHz. A read returns whatever has arrived, so this bounds a chunk's
    /// size, not the wait for it.
    /// </summary>
    private const int ReadBufferBytes = 4_800;

    /// <summary>
    /// Yields the body of <paramref name="response"/> (disposed when the enumeration ends, which aborts the request if the
    /// body is not finished) as PCM16 at <paramref name="toRate"/>. Each chunk is a new array the caller may keep.
    /// </summary>
    public static async IAsyncEnumerable<ReadOnlyMemory<byte>> ReadAsync(
        HttpResponseMessage response, int fromRate, int toRate, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var owned = response;
        var resampler = fromRate == toRate ? null : new PcmResampler(fromRate, toRate);
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using var _ = stream.ConfigureAwait(false);
        // One spare byte in front holds the odd byte a read may leave, so samples never straddle two chunks.
        var buffer = ArrayPool<byte>.Shared.Rent(ReadBufferBytes + 1);
        try
        {
            var carried = 0;
            while (true)
            {
                var read = await stream.ReadAsync(buffer.AsMemory(carried, ReadBufferBytes), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    // A trailing odd byte is half a sample: dropped.
                    yield break;
                }

                var available = carried + read;
                var even = available & ~1;
                if (even > 0)
                {
                    yield return Convert(resampler, buffer.AsSpan(0, even));
                }

                carried = available - even;
                if (carried == 1)
                {
                    buffer[0] = buffer[even];
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static byte[] Convert(PcmResampler? resampler, ReadOnlySpan<byte> pcm)
    {
        if (resampler is null)
        {
            return pcm.ToArray();
        }

        var output = new byte[resampler.GetOutputByteCount(pcm.Length)];
        var written = resampler.Process(pcm, output);
        return written == output.Length ? output : output[..written];
    }
}
