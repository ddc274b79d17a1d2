namespace DvServerless.Simulators.Realtime;

/// <summary>One line of the conversation as the simulator saw it: what the caller said (from the script) or what the agent said.</summary>
/// <param name="SessionId">The session.</param>
/// <param name="ItemId">The conversation item.</param>
/// <param name="Role"><c>user</c>, <c>assistant</c>, or <c>system</c> for a system message the client created.</param>
/// <param name="Text">The transcript.</param>
public sealed record RealtimeTranscriptRecord(string SessionId, string ItemId, string Role, string Text);
