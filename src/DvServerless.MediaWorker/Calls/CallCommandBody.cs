namespace DvServerless.MediaWorker.Calls;

/// <summary>The JSON body of a call command; each action reads the fields it needs.</summary>
/// <param name="Enabled">For <c>audio</c>: true to hear the caller, false to mute.</param>
/// <param name="Text">For <c>say</c>: what to say; for <c>note</c>: the note for the agent.</param>
/// <param name="Voice">For <c>say</c>: the provider voice id; null for the default.</param>
/// <param name="Interrupt">For <c>say</c>: true to cut the agent's current audio first.</param>
public sealed record CallCommandBody(bool? Enabled = null, string? Text = null, string? Voice = null, bool? Interrupt = null);
