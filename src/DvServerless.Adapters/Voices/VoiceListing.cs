using DvServerless.Core.Voices;

namespace DvServerless.Adapters.Voices;

/// <summary>What <c>GET /api/voices</c> returns: the tenant's library and the catalogues.</summary>
/// <param name="Library">The tenant's cloned voices with their consent records.</param>
/// <param name="ElevenLabsKorean">The built-in ElevenLabs Korean catalogue.</param>
/// <param name="OpenAI">The OpenAI voices.</param>
/// <param name="ElevenLabsLive">The account's voices fetched live, or null when no key is set or the fetch failed.</param>
/// <param name="ElevenLabsLiveError">Why the live fetch failed, when it did.</param>
public sealed record VoiceListing(
    IReadOnlyList<VoiceRecord> Library,
    IReadOnlyList<CatalogVoice> ElevenLabsKorean,
    IReadOnlyList<CatalogVoice> OpenAI,
    IReadOnlyList<CatalogVoice>? ElevenLabsLive,
    string? ElevenLabsLiveError = null);
