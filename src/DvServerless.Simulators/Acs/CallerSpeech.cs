using System.Buffers.Binary;
using DvServerless.Core.Audio;

namespace DvServerless.Simulators.Acs;

/// <summary>
/// The caller's speech as PCM16 mono in the call's media format: read from a RIFF/WAVE PCM16 mono file or taken from
/// memory, and brought to the negotiated rate by linear interpolation (good enough for a simulated phone caller).
/// </summary>
internal static class CallerSpeech
{
    /// <summary>Converts PCM16 mono caller audio to the call's media format.</summary>
    public static byte[] Convert(ReadOnlyMemory<byte> pcm, AudioFormat format, AudioFormat target)
    {
        if (format.Encoding != AudioEncoding.Pcm16)
        {
            throw new ArgumentException("The caller audio must be PCM16.", nameof(format));
        }

        return format.SampleRate == target.SampleRate ? pcm.ToArray() : Resample(pcm.Span, format.SampleRate, target.SampleRate);
    }

    /// <summary>Reads the PCM16 mono samples of a RIFF/WAVE file.</summary>
    public static (ReadOnlyMemory<byte> Pcm, AudioFormat Format) ReadWav(byte[] file)
    {
        var span = file.AsSpan();
        if (span.Length < 12 || !span[..4].SequenceEqual("RIFF"u8) || !span[8..12].SequenceEqual("WAVE"u8))
        {
            throw new InvalidDataException("Not a RIFF/WAVE file.");
        }

        int? sampleRate = null;
        var position = 12;
        while (position + 8 <= span.Length)
        {
            var id = span.Slice(position, 4);
            var size = (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(span.Slice(position + 4, 4)), (uint)(span.Length - position - 8));
            var body = span.Slice(position + 8, size);
            if (id.SequenceEqual("fmt "u8))
            {
                var formatTag = BinaryPrimitives.ReadUInt16LittleEndian(body);
                var channels = BinaryPrimitives.ReadUInt16LittleEndian(body[2..]);
                var bits = BinaryPrimitives.ReadUInt16LittleEndian(body[14..]);
                if (formatTag != 1 || channels != 1 || bits != 16)
                {
                    throw new InvalidDataException($"Only PCM16 mono WAV is supported (format {formatTag}, {channels} channels, {bits} bits).");
                }

                sampleRate = (int)BinaryPrimitives.ReadUInt32LittleEndian(body[4..]);
            }
            else if (id.SequenceEqual("data"u8))
            {
                if (sampleRate is null)
                {
                    throw new InvalidDataException("The WAV 'data' chunk comes before 'fmt '.");
                }

                return (file.AsMemory(position + 8, size - size % 2), new AudioFormat(sampleRate.Value));
            }

            position += 8 + size + (size & 1);
        }

        throw new InvalidDataException("The WAV file has no 'data' chunk.");
    }

    private static byte[] Resample(ReadOnlySpan<byte> pcm, int fromRate, int toRate)
    {
        var inCount = pcm.Length / 2;
        if (inCount == 0)
        {
            return [];
        }

        var outCount = (int)((long)inCount * toRate / fromRate);
        var output = new byte[outCount * 2];
        for (var i = 0; i < outCount; i++)
        {
            var position = (double)i * fromRate / toRate;
            var index = (int)position;
            var fraction = position - index;
            var a = BinaryPrimitives.ReadInt16LittleEndian(pcm[(index * 2)..]);
            var b = index + 1 < inCount ? BinaryPrimitives.ReadInt16LittleEndian(pcm[((index + 1) * 2)..]) : a;
            var sample = (short)Math.Clamp(Math.Round(a + (b - a) * fraction), short.MinValue, short.MaxValue);
            BinaryPrimitives.WriteInt16LittleEndian(output.AsSpan(i * 2), sample);
        }

        return output;
    }
}
