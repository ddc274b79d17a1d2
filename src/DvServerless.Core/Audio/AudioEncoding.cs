namespace DvServerless.Core.Audio;

/// <summary>How samples are stored in an audio buffer.</summary>
public enum AudioEncoding
{
    /// <summary>16-bit signed little-endian linear PCM.</summary>
    Pcm16,
    /// <summary>G.711 μ-law, one byte per sample.</summary>
    Mulaw,
    /// <summary>G.711 A-law, one byte per sample.</summary>
    Alaw,
}
