namespace DvServerless.MediaWorker.Say;

/// <summary>
/// How the worker speaks its own lines on a call in the call's voice — a slow tool's filler, last words before a hang-up
/// (a call limit's goodbye, the drain's): the worker's <see cref="ICallSpeech"/> for the call's tenant and agent.
/// </summary>
/// <param name="Speech">The speech source (the TTS prompt cache, so a line said before costs no synthesis).</param>
/// <param name="TenantId">The call's tenant (its cache and default voice).</param>
/// <param name="Voice">The voice; null for the agent's.</param>
/// <param name="AgentId">The named agent the call runs (its voice); null for the default agent.</param>
public sealed record CallVoice(ICallSpeech Speech, string TenantId, string? Voice = null, string? AgentId = null);
