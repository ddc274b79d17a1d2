namespace DvServerless.Core.Voices;

/// <summary>An audio container identified by its magic bytes.</summary>
public enum AudioFileKind
{
    /// <summary>Not a recognised audio file.</summary>
    Unknown,
    /// <summary>RIFF WAVE.</summary>
    Wav,
    /// <summary>MPEG audio layer III (ID3 tag or a frame sync).</summary>
    Mp3,
    /// <summary>Ogg (Vorbis or Opus).</summary>
    Ogg,
    /// <summary>WebM / Matroska (EBML header).</summary>
    WebM,
    /// <summary>MPEG-4 audio (<c>ftyp</c> box with an M4A, isom or mp42 brand).</summary>
    M4a,
}
