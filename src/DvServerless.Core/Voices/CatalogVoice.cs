namespace DvServerless.Core.Voices;

/// <summary>A ready-made voice of a provider's catalogue.</summary>
/// <param name="Provider"><c>openai</c>, <c>elevenlabs</c> or <c>espeak</c>.</param>
/// <param name="VoiceId">The id to pass to the provider.</param>
/// <param name="Name">The display name.</param>
/// <param name="Language">A BCP 47 language tag, or null for multilingual voices.</param>
/// <param name="Gender"><c>female</c>, <c>male</c>, or null.</param>
/// <param name="Note">Provenance or caveats.</param>
public sealed record CatalogVoice(string Provider, string VoiceId, string Name, string? Language = null, string? Gender = null, string? Note = null);
