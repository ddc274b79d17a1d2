namespace DvServerless.Simulators.Realtime;

/// <summary>
/// G.711 μ-law and A-law (ITU-T G.711), for sessions whose format is <c>audio/pcmu</c> or <c>audio/pcma</c>. Kept
/// inside the simulator so it shares no audio code with the client it tests.
/// </summary>
internal static class G711Codec
{
    private const int MuLawBias = 0x84;
    private const int MuLawClip = 32635;

    public static byte EncodeMuLaw(short sample)
    {
        int value = sample;
        var sign = (value >> 8) & 0x80;
        if (sign != 0)
        {
            value = -value;
        }

        value = Math.Min(value, MuLawClip) + MuLawBias;
        var exponent = 7;
        for (var mask = 0x4000; (value & mask) == 0 && exponent > 0; mask >>= 1)
        {
            exponent--;
        }

        var mantissa = (value >> (exponent + 3)) & 0x0F;
        return (byte)~(sign | (exponent << 4) | mantissa);
    }

    public static short DecodeMuLaw(byte encoded)
    {
        int value = ~encoded & 0xFF;
        var sign = value & 0x80;
        var exponent = (value >> 4) & 0x07;
        var mantissa = value & 0x0F;
        var magnitude = (((mantissa << 3) + MuLawBias) << exponent) - MuLawBias;
        return (short)(sign != 0 ? -magnitude : magnitude);
    }

    public static byte EncodeALaw(short sample)
    {
        int value = sample;
        var sign = value >= 0 ? 0x80 : 0x00;
        if (value < 0)
        {
            value = Math.Min(-value, 32767);
        }

        byte encoded;
        if (value < 256)
        {
            encoded = (byte)(value >> 4);
        }
        else
        {
            var exponent = 1;
            for (var v = value >> 8; v > 1; v >>= 1)
            {
                exponent++;
            }

            encoded = (byte)((exponent << 4) | ((value >> (exponent + 3)) & 0x0F));
        }

        return (byte)((encoded | sign) ^ 0x55);
    }

    public static short DecodeALaw(byte encoded)
    {
        int value = encoded ^ 0x55;
        var sign = value & 0x80;
        var exponent = (value >> 4) & 0x07;
        var mantissa = value & 0x0F;
        var magnitude = exponent == 0 ? (mantissa << 4) + 8 : ((mantissa << 4) + 0x108) << (exponent - 1);
        return (short)(sign != 0 ? magnitude : -magnitude);
    }
}
