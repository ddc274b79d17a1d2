namespace DvServerless.Core.Calls;

/// <summary>One entry of a session's history: the state it moved to, when, and why.</summary>
public sealed record CallStateChange(CallState State, DateTimeOffset At, string? Reason);
