namespace DvServerless.Core.Tts;

/// <summary>The outcome of a warm-up run for one tenant: prompt names synthesized, skipped (already fresh), and failed with the reason.</summary>
public sealed record TtsWarmupReport(
    string TenantId,
    IReadOnlyList<string> Synthesized,
    IReadOnlyList<string> Skipped,
    IReadOnlyList<TtsWarmupFailure> Failed);
