using System.Buffers.Binary;
using System.Numerics;

namespace DvServerless.Core.Audio;

/// <summary>
/// ITU-T G.711 companding: μ-law (North America, Japan) and A-law (Europe, the rest of the world) between 16-bit linear
/// PCM and one byte per sample. Decoding is a 256-entry table look-up; encoding is a few integer operations.
/// </summary>
/// <remarks>
/// μ-law works on a 14-bit magnitude (the 16-bit sample scaled by 1/4 in the standard; here the bias 0x84 = 33·4 is
/// applied at 16-bit scale), clips at 32635 and decodes to at most ±32124. A-law works on a 13-bit magnitude
/// (sample / 8), decodes to at most ±32256, and a zero input encodes to 0xD5, which decodes to +8: A-law has no zero
/// code. Both decoders return the middle of the quantisation interval, so the error is at most half a step.
/// </remarks>
public static class G711
{
    private const int MulawBias = 0x84;
    private const int MulawClip = 32635;

    private static readonly short[] MulawTable = BuildTable(DecodeMulawComputed);
    private static readonly short[] AlawTable = BuildTable(DecodeAlawComputed);

    /// <summary>Encodes one linear sample to μ-law.</summary>
    public static byte EncodeMulaw(short sample)
    {
        int value = sample;
        var sign = 0;
        if (value < 0)
        {
            sign = 0x80;
            value = -value;
        }

        value = Math.Min(value, MulawClip) + MulawBias;

        // value is now in [0x84, 0x7FFF]: its highest set bit (7..14) selects the segment (0..7).
        var exponent = BitOperations.Log2((uint)value) - 7;
        var mantissa = (value >> (exponent + 3)) & 0x0F;

        // Codes are transmitted inverted (the standard's even-bit inversion for μ-law is all bits).
        return (byte)~(sign | (exponent << 4) | mantissa);
    }

    /// <summary>Decodes one μ-law byte to a linear sample.</summary>
    public static short DecodeMulaw(byte code) => MulawTable[code];

    /// <summary>Encodes one linear sample to A-law.</summary>
    public static byte EncodeAlaw(short sample)
    {
        // 13-bit value; negative values use the one's complement so that −1..−8 share the smallest negative step.
        var value = sample >> 3;
        int mask;
        if (value >= 0)
        {
            mask = 0xD5; // sign bit set for positive values, then the even bits inverted (0x55)
        }
        else
        {
            mask = 0x55;
            value = ~value;
        }

        // Segment 0 covers 0..31 and segment s ≥ 1 covers [16·2^s, 32·2^s), each split into 16 steps.
        int segment = value < 32 ? 0 : BitOperations.Log2((uint)value) - 4;
        var mantissa = segment < 2 ? (value >> 1) & 0x0F : (value >> segment) & 0x0F;
        return (byte)(((segment << 4) | mantissa) ^ mask);
    }

    /// <summary>Decodes one A-law byte to a linear sample.</summary>
    public static short DecodeAlaw(byte code) => AlawTable[code];

    /// <summary>Encodes PCM16 little-endian <paramref name="pcm16"/> into <paramref name="mulaw"/>; returns the bytes written.</summary>
    /// <exception cref="ArgumentException">Odd input length or too small an output.</exception>
    public static int EncodeMulaw(ReadOnlySpan<byte> pcm16, Span<byte> mulaw)
    {
        var samples = CheckEncode(pcm16, mulaw);
        for (var i = 0; i < samples; i++)
        {
            mulaw[i] = EncodeMulaw(BinaryPrimitives.ReadInt16LittleEndian(pcm16[(2 * i)..]));
        }

        return samples;
    }

    /// <summary>Encodes PCM16 little-endian <paramref name="pcm16"/> into <paramref name="alaw"/>; returns the bytes written.</summary>
    /// <exception cref="ArgumentException">Odd input length or too small an output.</exception>
    public static int EncodeAlaw(ReadOnlySpan<byte> pcm16, Span<byte> alaw)
    {
        var samples = CheckEncode(pcm16, alaw);
        for (var i = 0; i < samples; i++)
        {
            alaw[i] = EncodeAlaw(BinaryPrimitives.ReadInt16LittleEndian(pcm16[(2 * i)..]));
        }

        return samples;
    }

    /// <summary>Decodes <paramref name="mulaw"/> into PCM16 little-endian <paramref name="pcm16"/>; returns the bytes written.</summary>
    /// <exception cref="ArgumentException">The output holds fewer than two bytes per input byte.</exception>
    public static int DecodeMulaw(ReadOnlySpan<byte> mulaw, Span<byte> pcm16) => Decode(mulaw, pcm16, MulawTable);

    /// <summary>Decodes <paramref name="alaw"/> into PCM16 little-endian <paramref name="pcm16"/>; returns the bytes written.</summary>
    /// <exception cref="ArgumentException">The output holds fewer than two bytes per input byte.</exception>
    public static int DecodeAlaw(ReadOnlySpan<byte> alaw, Span<byte> pcm16) => Decode(alaw, pcm16, AlawTable);

    private static int Decode(ReadOnlySpan<byte> codes, Span<byte> pcm16, short[] table)
    {
        if (pcm16.Length < codes.Length * 2)
        {
            throw new ArgumentException($"The output needs {codes.Length * 2} bytes but has {pcm16.Length}.", nameof(pcm16));
        }

        for (var i = 0; i < codes.Length; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(pcm16[(2 * i)..], table[codes[i]]);
        }

        return codes.Length * 2;
    }

    private static int CheckEncode(ReadOnlySpan<byte> pcm16, Span<byte> output)
    {
        if ((pcm16.Length & 1) != 0)
        {
            throw new ArgumentException($"PCM16 input needs an even byte count; got {pcm16.Length}.", nameof(pcm16));
        }

        var samples = pcm16.Length / 2;
        if (output.Length < samples)
        {
            throw new ArgumentException($"The output needs {samples} bytes but has {output.Length}.", nameof(output));
        }

        return samples;
    }

    private static short DecodeMulawComputed(byte code)
    {
        var value = ~code & 0xFF;
        var exponent = (value >> 4) & 0x07;
        var mantissa = value & 0x0F;

        // Middle of the interval: mantissa step is 8·2^e at 16-bit scale, plus half a step (4·2^e), minus the bias.
        var magnitude = (((mantissa << 3) + MulawBias) << exponent) - MulawBias;
        return (short)((value & 0x80) != 0 ? -magnitude : magnitude);
    }

    private static short DecodeAlawComputed(byte code)
    {
        var value = code ^ 0x55;
        var segment = (value >> 4) & 0x07;
        var mantissa = value & 0x0F;

        // Middle of the interval at 16-bit scale: segments 0 and 1 have a step of 16; segment s ≥ 2 a step of 8·2^s.
        int magnitude = segment switch
        {
            0 => (mantissa << 4) + 8,
            _ => ((mantissa << 4) + 0x108) << (segment - 1),
        };
        return (short)((value & 0x80) != 0 ? magnitude : -magnitude);
    }

    private static short[] BuildTable(Func<byte, short> decode)
    {
        var table = new short[256];
        for (var code = 0; code < 256; code++)
        {
            table[code] = decode((byte)code);
        }

        return table;
    }
}
