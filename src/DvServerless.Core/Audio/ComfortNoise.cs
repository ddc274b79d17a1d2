using System.Buffers.Binary;

namespace DvServerless.Core.Audio;

/// <summary>
/// Generates low-level white noise as PCM16, to fill gaps where total digital silence would make a caller think the
/// line has dropped. Deterministic for a given seed (its own xorshift generator, not <see cref="Random"/>, whose
/// sequence may change between .NET versions), and stateful, so consecutive frames continue one noise signal.
/// </summary>
public sealed class ComfortNoise
{
    private readonly float _amplitude;
    private uint _state;

    /// <summary>Creates a generator whose output has an RMS level of <paramref name="levelDbfs"/> (e.g. −70).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="levelDbfs"/> is above −10 dBFS (that is not comfort noise) or not finite.</exception>
    public ComfortNoise(double levelDbfs = -70, int seed = 1)
    {
        if (!double.IsFinite(levelDbfs) || levelDbfs > -10)
        {
            throw new ArgumentOutOfRangeException(nameof(levelDbfs), levelDbfs, "Comfort noise must be at most −10 dBFS.");
        }

        LevelDbfs = levelDbfs;

        // Uniform noise in [−a, a] has an RMS of a/√3.
        _amplitude = (float)(AudioLevel.FromDbfs(levelDbfs) * 32768.0 * Math.Sqrt(3));

        // xorshift must never hold zero; mix the seed so that nearby seeds give unrelated sequences.
        _state = (uint)seed * 2654435761u;
        if (_state == 0)
        {
            _state = 0x9E3779B9u;
        }
    }

    /// <summary>The RMS level of the output in dBFS.</summary>
    public double LevelDbfs { get; }

    /// <summary>Fills <paramref name="pcm16"/> (an even number of bytes) with noise.</summary>
    /// <exception cref="ArgumentException">Odd byte count.</exception>
    public void Fill(Span<byte> pcm16)
    {
        if ((pcm16.Length & 1) != 0)
        {
            throw new ArgumentException($"PCM16 audio needs an even byte count; got {pcm16.Length}.", nameof(pcm16));
        }

        var state = _state;
        for (var i = 0; i < pcm16.Length; i += 2)
        {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;

            // Top 24 bits → uniform in [−1, 1).
            var uniform = (state >> 8) * (2f / (1 << 24)) - 1f;
            var sample = (short)Math.Clamp((int)MathF.Round(uniform * _amplitude), short.MinValue, short.MaxValue);
            BinaryPrimitives.WriteInt16LittleEndian(pcm16[i..], sample);
        }

        _state = state;
    }
}
