using DvServerless.Core.Audio;

namespace DvServerless.MediaWorker.Playout;

/// <summary>
/// The sound one call's playout sends toward the caller while comfort noise is on and no agent audio plays: generated
/// white noise at a set level, or a custom PCM16 recording looped without a seam.
/// </summary>
/// <remarks>Used from the call loop's control task only, like the <see cref="PlayoutClock"/> that plays it.</remarks>
public sealed class ComfortNoiseBed
{
    private readonly Core.Audio.ComfortNoise? _generator;
    private readonly ReadOnlyMemory<byte> _loop;
    private int _position;

    /// <summary>Generated noise with an RMS level of <paramref name="levelDbfs"/>.</summary>
    public ComfortNoiseBed(double levelDbfs)
    {
        _generator = new Core.Audio.ComfortNoise(levelDbfs);
    }

    /// <summary>A recording (PCM16 mono at the leg's rate, an even number of bytes, at least one sample) played in a loop.</summary>
    public ComfortNoiseBed(ReadOnlyMemory<byte> loopPcm16)
    {
        if (loopPcm16.Length < 2 || (loopPcm16.Length & 1) != 0)
        {
            throw new ArgumentException("A comfort-noise bed is PCM16: an even number of bytes, at least one sample.", nameof(loopPcm16));
        }

        _loop = loopPcm16;
    }

    /// <summary>Fills <paramref name="frame"/> (PCM16, an even number of bytes) with the next stretch of the bed.</summary>
    public void Fill(Span<byte> frame)
    {
        if (_generator is not null)
        {
            _generator.Fill(frame);
            return;
        }

        var loop = _loop.Span;
        var written = 0;
        while (written < frame.Length)
        {
            var count = Math.Min(frame.Length - written, loop.Length - _position);
            loop.Slice(_position, count).CopyTo(frame[written..]);
            written += count;
            _position = (_position + count) % loop.Length;
        }
    }
}
