namespace DvServerless.Core.Voices;

/// <summary>Why a voice sample was refused: a stable <paramref name="Code"/> for programs and a <paramref name="Message"/> for people.</summary>
public sealed record VoiceSampleError(string Code, string Message)
{
    /// <summary>No name was given.</summary>
    public const string NameRequired = "name_required";
    /// <summary>No consent, or consent without who or when.</summary>
    public const string ConsentRequired = "consent_required";
    /// <summary>No file, or an empty one.</summary>
    public const string FileRequired = "file_required";
    /// <summary>Over <see cref="VoiceSampleValidator.MaxBytes"/>.</summary>
    public const string FileTooLarge = "file_too_large";
    /// <summary>Not WAV, MP3, OGG, WebM or M4A by its magic bytes.</summary>
    public const string UnsupportedFormat = "unsupported_format";
    /// <summary>A WAV file that cannot be read.</summary>
    public const string UnreadableAudio = "unreadable_audio";
    /// <summary>Shorter than <see cref="VoiceSampleValidator.MinDuration"/>.</summary>
    public const string AudioTooShort = "audio_too_short";
}
