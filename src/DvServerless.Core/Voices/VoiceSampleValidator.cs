using DvServerless.Core.Audio;

namespace DvServerless.Core.Voices;

/// <summary>
/// Checks a voice sample before anything is stored: a name, a consent record (who and when), a file of at most
/// <see cref="MaxBytes"/> identified as audio by its magic bytes, and for WAV at least <see cref="MinDuration"/> of
/// audio measured from the data chunk (other formats would need a decoder; the provider checks them).
/// </summary>
public static class VoiceSampleValidator
{
    /// <summary>The largest accepted sample: 10 MB.</summary>
    public const int MaxBytes = 10 * 1024 * 1024;

    /// <summary>The shortest accepted WAV sample.</summary>
    public static readonly TimeSpan MinDuration = TimeSpan.FromSeconds(3);

    /// <summary>Validates <paramref name="upload"/>, collecting every problem rather than stopping at the first.</summary>
    public static VoiceSampleValidation Validate(VoiceSampleUpload upload)
    {
        ArgumentNullException.ThrowIfNull(upload);
        var errors = new List<VoiceSampleError>();
        if (string.IsNullOrWhiteSpace(upload.Name))
        {
            errors.Add(new(VoiceSampleError.NameRequired, "A voice name is required."));
        }
        else if (upload.Name.Length > 100)
        {
            errors.Add(new(VoiceSampleError.NameRequired, "A voice name is at most 100 characters."));
        }

        if (upload.Consent is null || string.IsNullOrWhiteSpace(upload.Consent.By) || upload.Consent.At == default)
        {
            errors.Add(new(VoiceSampleError.ConsentRequired, "Consent is required: who agreed to the cloning of their voice, and when."));
        }

        var sample = upload.Sample.Span;
        if (sample.IsEmpty)
        {
            errors.Add(new(VoiceSampleError.FileRequired, "An audio file is required."));
            return new(AudioFileKind.Unknown, null, errors);
        }

        if (sample.Length > MaxBytes)
        {
            errors.Add(new(VoiceSampleError.FileTooLarge, $"The audio file is {sample.Length} bytes; at most {MaxBytes} bytes (10 MB) are accepted."));
            return new(AudioFileSniffer.Identify(sample), null, errors);
        }

        var kind = AudioFileSniffer.Identify(sample);
        if (kind == AudioFileKind.Unknown)
        {
            errors.Add(new(VoiceSampleError.UnsupportedFormat, "The file is not WAV, MP3, OGG, WebM or M4A audio (checked by its content, not its name)."));
            return new(kind, null, errors);
        }

        TimeSpan? duration = null;
        if (kind == AudioFileKind.Wav)
        {
            try
            {
                duration = WavFile.Read(sample).Duration;
                if (duration < MinDuration)
                {
                    errors.Add(new(VoiceSampleError.AudioTooShort,
                        $"The sample is {duration.Value.TotalSeconds:0.0} s long; at least {MinDuration.TotalSeconds:0} s of speech are needed."));
                }
            }
            catch (FormatException e)
            {
                errors.Add(new(VoiceSampleError.UnreadableAudio, "The WAV file cannot be read: " + e.Message));
            }
        }

        return new(kind, duration, errors);
    }
}
