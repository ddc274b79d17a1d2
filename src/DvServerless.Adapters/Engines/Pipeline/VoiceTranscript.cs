namespace DvServerless.Adapters.Engines.Pipeline;

/// <summary>The final text of one turn of a call.</summary>
/// <param name="CallId">The call's id.</param>
/// <param name="Speaker">Who spoke: <see cref="AudioDirection.Caller"/> or <see cref="AudioDirection.Agent"/>.</param>
/// <param name="ItemId">The engine's item id of the turn.</param>
/// <param name="Text">What was said (for the agent: as generated, before any barge-in cut it short).</param>
public sealed record VoiceTranscript(string CallId, AudioDirection Speaker, string ItemId, string Text);
