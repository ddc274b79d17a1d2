namespace DvServerless.Core.Tts;

/// <summary>A prompt the warm-up could not synthesize.</summary>
public sealed record TtsWarmupFailure(string Prompt, string Reason);
