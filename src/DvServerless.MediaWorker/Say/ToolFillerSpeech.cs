namespace DvServerless.MediaWorker.Say;

/// <summary>How a call speaks a slow tool's filler line: the worker's <see cref="ICallSpeech"/> for the call's tenant.</summary>
/// <param name="Speech">The speech source (the TTS prompt cache, so a filler said before costs no synthesis).</param>
/// <param name="TenantId">The call's tenant (its cache and default voice).</param>
/// <param name="Voice">The voice; null for the agent's.</param>
/// <param name="AgentId">The named agent the call runs (its voice); null for the default agent.</param>
public sealed record ToolFillerSpeech(ICallSpeech Speech, string TenantId, string? Voice = null, string? AgentId = null);
