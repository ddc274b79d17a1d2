namespace DvServerless.Core.Tts;

/// <summary>A prompt to keep warm in the cache (greeting, hold, goodbye …).</summary>
/// <param name="Name">A short name (<c>greeting</c>).</param>
/// <param name="Text">What to say.</param>
/// <param name="Voice">The voice; null for the tenant's default.</param>
/// <param name="Provider">The provider; null for the default.</param>
/// <param name="Model">The model; null for the provider's default.</param>
/// <param name="Options">Voice options; null for the defaults.</param>
/// <param name="SampleRate">The leg rate to synthesize for (16000 or 24000); null for the default.</param>
public sealed record TtsPrompt(string Name, string Text, string? Voice = null, string? Provider = null, string? Model = null, TtsVoiceOptions? Options = null, int? SampleRate = null);
