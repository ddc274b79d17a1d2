using DvServerless.Core.Voices;

namespace DvServerless.Adapters.Voices;

/// <summary>
/// The outcome of <see cref="VoiceService.AddAsync"/>: the stored record (ready or pending, with a message), or the
/// validation errors (HTTP 400) and nothing stored, or — with <see cref="QuotaExceeded"/> — the tenant's library is full
/// (HTTP 409 <c>voice_quota_exceeded</c>) and nothing stored.
/// </summary>
/// <param name="Voice">The stored voice, or null when nothing was stored.</param>
/// <param name="Errors">The validation errors (empty when valid).</param>
/// <param name="Message">A sentence for the caller.</param>
/// <param name="QuotaExceeded">True when the tenant already holds <see cref="VoiceLibraryOptions.MaxVoicesPerTenant"/> voices.</param>
public sealed record VoiceAddResult(VoiceRecord? Voice, IReadOnlyList<VoiceSampleError> Errors, string Message, bool QuotaExceeded = false)
{
    /// <summary>True when the voice was stored.</summary>
    public bool Succeeded => Voice is not null;
}
