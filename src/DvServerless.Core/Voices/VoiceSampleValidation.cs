namespace DvServerless.Core.Voices;

/// <summary>The outcome of <see cref="VoiceSampleValidator.Validate"/>.</summary>
/// <param name="Kind">The identified format.</param>
/// <param name="Duration">The measured duration (WAV only).</param>
/// <param name="Errors">Every reason for refusal; empty when the sample is accepted.</param>
public sealed record VoiceSampleValidation(AudioFileKind Kind, TimeSpan? Duration, IReadOnlyList<VoiceSampleError> Errors)
{
    /// <summary>True when there is no error.</summary>
    public bool IsValid => Errors.Count == 0;
}
