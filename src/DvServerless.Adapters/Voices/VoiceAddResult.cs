using DvServerless.Core.Voices;

namespace DvServerless.Adapters.Voices;

/// <summary>The outcome of <see cref="VoiceService.AddAsync"/>: the stored record (ready or pending, with a message), or the validation errors (HTTP 400) and nothing stored.</summary>
public sealed record VoiceAddResult(VoiceRecord? Voice, IReadOnlyList<VoiceSampleError> Errors, string Message)
{
    /// <summary>True when the voice was stored.</summary>
    public bool Succeeded => Voice is not null;
}
