using System.Buffers.Binary;

namespace DvServerless.Core.Audio;

/// <summary>
/// Reads and writes RIFF WAVE files. Reading accepts what voice tools produce — 16-bit PCM (mono, stereo or more
/// channels, downmixed to mono), <c>WAVE_FORMAT_EXTENSIBLE</c> with a PCM, μ-law or A-law sub-format, and G.711 μ-law
/// (format 7) or A-law (format 6) — skips chunks it does not need (<c>LIST</c>, <c>fact</c>, <c>bext</c> ...), and
/// always returns PCM16 mono. Writing produces a plain 44-byte-header PCM16 mono file.
/// </summary>
/// <remarks>
/// Every malformed input — wrong magic, a chunk that runs past the end, a missing <c>fmt </c> or <c>data</c> chunk,
/// an unsupported sample format — throws <see cref="FormatException"/> with a message saying what is wrong. A
/// <c>data</c> size of 0xFFFFFFFF (written by tools streaming to a pipe, which cannot seek back to patch it) means
/// "to the end of the file".
/// </remarks>
public static class WavFile
{
    /// <summary>Size of the header <see cref="Write(Stream, ReadOnlySpan{byte}, int)"/> produces.</summary>
    public const int HeaderSize = 44;

    private const ushort FormatPcm = 1;
    private const ushort FormatAlaw = 6;
    private const ushort FormatMulaw = 7;
    private const ushort FormatExtensible = 0xFFFE;
    private const uint UnknownSize = 0xFFFFFFFF;

    // The KSDATAFORMAT_SUBTYPE_* GUIDs share this tail after their leading 16-bit format tag and two zero bytes.
    private static ReadOnlySpan<byte> SubFormatTail =>
        [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71];

    /// <summary>Reads a WAV file from disk.</summary>
    /// <exception cref="FormatException">The file is not a supported WAV file.</exception>
    public static WavAudio ReadFile(string path) => Read(File.ReadAllBytes(path));

    /// <summary>Reads a whole WAV file from <paramref name="stream"/>.</summary>
    /// <exception cref="FormatException">The stream does not hold a supported WAV file.</exception>
    public static WavAudio Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return Read(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    }

    /// <summary>Parses a WAV file held in memory.</summary>
    /// <exception cref="FormatException">The bytes are not a supported WAV file.</exception>
    public static WavAudio Read(ReadOnlySpan<byte> file)
    {
        if (file.Length < 12 || !file[..4].SequenceEqual("RIFF"u8) || !file[8..12].SequenceEqual("WAVE"u8))
        {
            throw new FormatException(file.Length >= 4 && file[..4].SequenceEqual("RIFX"u8)
                ? "Big-endian WAV (RIFX) is not supported."
                : "Not a WAV file: the RIFF/WAVE header is missing.");
        }

        SampleLayout? layout = null;
        var offset = 12;
        while (offset + 8 <= file.Length)
        {
            var id = file.Slice(offset, 4);
            var size = BinaryPrimitives.ReadUInt32LittleEndian(file[(offset + 4)..]);
            var bodyStart = offset + 8;
            var remaining = file.Length - bodyStart;

            if (id.SequenceEqual("data"u8))
            {
                if (layout is not { } format)
                {
                    throw new FormatException("The WAV data chunk comes before any fmt chunk.");
                }

                long length = size == UnknownSize ? remaining : size;
                if (length > remaining)
                {
                    throw new FormatException($"The WAV data chunk declares {size} bytes but only {remaining} follow: the file is truncated.");
                }

                return Decode(file.Slice(bodyStart, (int)length), format);
            }

            if (size > remaining)
            {
                throw new FormatException($"The WAV chunk '{ChunkName(id)}' declares {size} bytes but only {remaining} follow: the file is truncated.");
            }

            if (id.SequenceEqual("fmt "u8))
            {
                layout = ParseFormat(file.Slice(bodyStart, (int)size));
            }

            // Chunks are word-aligned: an odd-sized chunk is followed by one pad byte.
            offset = bodyStart + (int)size + (int)(size & 1);
        }

        throw new FormatException(layout is null ? "The WAV file has no fmt chunk." : "The WAV file has no data chunk.");
    }

    /// <summary>Writes a PCM16 mono WAV file holding <paramref name="pcm16"/> to <paramref name="stream"/>.</summary>
    /// <exception cref="ArgumentException">Odd byte count, a non-positive sample rate, or audio too long for a WAV file.</exception>
    public static void Write(Stream stream, ReadOnlySpan<byte> pcm16, int sampleRate)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Span<byte> header = stackalloc byte[HeaderSize];
        WriteHeader(header, pcm16.Length, sampleRate);
        stream.Write(header);
        stream.Write(pcm16);
    }

    /// <summary>Returns a PCM16 mono WAV file holding <paramref name="pcm16"/>.</summary>
    /// <exception cref="ArgumentException">Odd byte count, a non-positive sample rate, or audio too long for a WAV file.</exception>
    public static byte[] Encode(ReadOnlySpan<byte> pcm16, int sampleRate)
    {
        var file = new byte[HeaderSize + pcm16.Length];
        WriteHeader(file, pcm16.Length, sampleRate);
        pcm16.CopyTo(file.AsSpan(HeaderSize));
        return file;
    }

    /// <summary>Writes a PCM16 mono WAV file holding <paramref name="pcm16"/> to <paramref name="path"/>.</summary>
    public static void WriteFile(string path, ReadOnlySpan<byte> pcm16, int sampleRate)
    {
        using var stream = File.Create(path);
        Write(stream, pcm16, sampleRate);
    }

    /// <summary>Writes the 44-byte header of a PCM16 mono file with <paramref name="dataBytes"/> bytes of samples.</summary>
    /// <exception cref="ArgumentException">Odd byte count, a non-positive sample rate, or too much data for a WAV file.</exception>
    public static void WriteHeader(Span<byte> destination, int dataBytes, int sampleRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampleRate);
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, HeaderSize, nameof(destination));
        if (dataBytes < 0 || (dataBytes & 1) != 0 || dataBytes > int.MaxValue - HeaderSize)
        {
            throw new ArgumentException($"PCM16 audio needs a non-negative, even byte count that fits a WAV file; got {dataBytes}.", nameof(dataBytes));
        }

        "RIFF"u8.CopyTo(destination);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], (uint)(HeaderSize - 8 + dataBytes));
        "WAVE"u8.CopyTo(destination[8..]);
        "fmt "u8.CopyTo(destination[12..]);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[16..], 16);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[20..], FormatPcm);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[22..], 1);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[24..], (uint)sampleRate);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[28..], (uint)sampleRate * 2);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[32..], 2);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[34..], 16);
        "data"u8.CopyTo(destination[36..]);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[40..], (uint)dataBytes);
    }

    private static SampleLayout ParseFormat(ReadOnlySpan<byte> chunk)
    {
        if (chunk.Length < 16)
        {
            throw new FormatException($"The WAV fmt chunk is {chunk.Length} bytes; at least 16 are needed.");
        }

        var tag = BinaryPrimitives.ReadUInt16LittleEndian(chunk);
        var channels = BinaryPrimitives.ReadUInt16LittleEndian(chunk[2..]);
        var sampleRate = BinaryPrimitives.ReadUInt32LittleEndian(chunk[4..]);
        var blockAlign = BinaryPrimitives.ReadUInt16LittleEndian(chunk[12..]);
        var bits = BinaryPrimitives.ReadUInt16LittleEndian(chunk[14..]);

        if (tag == FormatExtensible)
        {
            // cbSize(2) validBits(2) channelMask(4) subFormat(16) follow the basic 16 bytes.
            if (chunk.Length < 40)
            {
                throw new FormatException("The WAV fmt chunk says WAVE_FORMAT_EXTENSIBLE but is shorter than 40 bytes.");
            }

            var subFormat = chunk.Slice(24, 16);
            if (!subFormat[2..].SequenceEqual(SubFormatTail))
            {
                throw new FormatException("The WAV sub-format GUID is not a standard audio sub-format.");
            }

            tag = BinaryPrimitives.ReadUInt16LittleEndian(subFormat);
        }

        if (channels == 0 || channels > 32)
        {
            throw new FormatException($"The WAV file declares {channels} channels.");
        }

        if (sampleRate == 0 || sampleRate > 768_000)
        {
            throw new FormatException($"The WAV file declares a sample rate of {sampleRate} Hz.");
        }

        var encoding = (tag, bits) switch
        {
            (FormatPcm, 16) => AudioEncoding.Pcm16,
            (FormatMulaw, 8) => AudioEncoding.Mulaw,
            (FormatAlaw, 8) => AudioEncoding.Alaw,
            _ => throw new FormatException($"Unsupported WAV sample format {tag} with {bits} bits; PCM16, μ-law and A-law are supported."),
        };

        var bytesPerSample = bits / 8;
        if (blockAlign != channels * bytesPerSample)
        {
            throw new FormatException($"The WAV block align is {blockAlign} but {channels} channels of {bits} bits need {channels * bytesPerSample}.");
        }

        return new SampleLayout(encoding, channels, (int)sampleRate, blockAlign);
    }

    private static WavAudio Decode(ReadOnlySpan<byte> data, SampleLayout layout)
    {
        // A partial last frame (a writer cut off mid-sample) is dropped rather than guessed at.
        var frames = data.Length / layout.BlockAlign;
        var pcm = new byte[frames * 2];
        var bytesPerSample = layout.BlockAlign / layout.Channels;
        for (var frame = 0; frame < frames; frame++)
        {
            var block = data.Slice(frame * layout.BlockAlign, layout.BlockAlign);
            var sum = 0;
            for (var channel = 0; channel < layout.Channels; channel++)
            {
                var sample = block.Slice(channel * bytesPerSample, bytesPerSample);
                sum += layout.Encoding switch
                {
                    AudioEncoding.Mulaw => G711.DecodeMulaw(sample[0]),
                    AudioEncoding.Alaw => G711.DecodeAlaw(sample[0]),
                    _ => BinaryPrimitives.ReadInt16LittleEndian(sample),
                };
            }

            // The mean of the channels: it cannot clip, and identical channels come out unchanged.
            var mono = layout.Channels == 1 ? sum : (int)Math.Round((double)sum / layout.Channels, MidpointRounding.AwayFromZero);
            BinaryPrimitives.WriteInt16LittleEndian(pcm.AsSpan(frame * 2), (short)mono);
        }

        return new WavAudio(new AudioFormat(layout.SampleRate), pcm, layout.Channels, layout.Encoding);
    }

    private static string ChunkName(ReadOnlySpan<byte> id)
    {
        Span<char> name = stackalloc char[4];
        for (var i = 0; i < 4; i++)
        {
            name[i] = id[i] is >= 0x20 and < 0x7F ? (char)id[i] : '?';
        }

        return new string(name);
    }

    private readonly record struct SampleLayout(AudioEncoding Encoding, int Channels, int SampleRate, int BlockAlign);
}
