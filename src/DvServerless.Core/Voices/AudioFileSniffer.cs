namespace DvServerless.Core.Voices;

/// <summary>
/// Identifies an uploaded audio file by its first bytes, never by its name or declared content type (both are chosen
/// by the uploader).
/// </summary>
public static class AudioFileSniffer
{
    /// <summary>How many leading bytes <see cref="Identify"/> looks at, at most.</summary>
    public const int HeaderBytes = 16;

    // ftyp brands of audio-capable MPEG-4 files; "isom" and "mp42" are generic, phones and browsers write them for m4a.
    private static readonly string[] Mp4Brands = ["M4A ", "M4B ", "isom", "iso2", "mp41", "mp42", "dash"];

    /// <summary>Identifies <paramref name="file"/> (its first <see cref="HeaderBytes"/> bytes are enough).</summary>
    public static AudioFileKind Identify(ReadOnlySpan<byte> file)
    {
        if (file.Length >= 12 && file[..4].SequenceEqual("RIFF"u8) && file[8..12].SequenceEqual("WAVE"u8))
        {
            return AudioFileKind.Wav;
        }

        if (file.Length >= 4 && file[..4].SequenceEqual("OggS"u8))
        {
            return AudioFileKind.Ogg;
        }

        if (file.Length >= 4 && file[0] == 0x1A && file[1] == 0x45 && file[2] == 0xDF && file[3] == 0xA3)
        {
            return AudioFileKind.WebM;
        }

        if (file.Length >= 12 && file[4..8].SequenceEqual("ftyp"u8))
        {
            var brand = System.Text.Encoding.ASCII.GetString(file[8..12]);
            return Mp4Brands.Contains(brand, StringComparer.Ordinal) ? AudioFileKind.M4a : AudioFileKind.Unknown;
        }

        if (file.Length >= 3 && file[..3].SequenceEqual("ID3"u8))
        {
            return AudioFileKind.Mp3;
        }

        // An MPEG audio frame header: 11 sync bits, then a version other than "reserved" (01) and layer III (01).
        if (file.Length >= 2 && file[0] == 0xFF && (file[1] & 0xE0) == 0xE0 && (file[1] & 0x18) != 0x08 && (file[1] & 0x06) == 0x02)
        {
            return AudioFileKind.Mp3;
        }

        return AudioFileKind.Unknown;
    }

    /// <summary>The content type to store a file of <paramref name="kind"/> with.</summary>
    public static string ContentTypeOf(AudioFileKind kind) => kind switch
    {
        AudioFileKind.Wav => "audio/wav",
        AudioFileKind.Mp3 => "audio/mpeg",
        AudioFileKind.Ogg => "audio/ogg",
        AudioFileKind.WebM => "audio/webm",
        AudioFileKind.M4a => "audio/mp4",
        _ => "application/octet-stream",
    };

    /// <summary>The file extension (no dot) for a file of <paramref name="kind"/>.</summary>
    public static string ExtensionOf(AudioFileKind kind) => kind switch
    {
        AudioFileKind.Wav => "wav",
        AudioFileKind.Mp3 => "mp3",
        AudioFileKind.Ogg => "ogg",
        AudioFileKind.WebM => "webm",
        AudioFileKind.M4a => "m4a",
        _ => "bin",
    };
}
