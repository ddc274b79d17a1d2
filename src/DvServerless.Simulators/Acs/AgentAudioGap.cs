namespace DvServerless.Simulators.Acs;

/// <summary>
/// Silence the caller heard in the middle of agent audio: the playout queue ran dry and audio resumed within the same
/// segment (under 300 ms later; a longer silence ends the segment instead).
/// </summary>
/// <param name="At">When the silence began, relative to media start.</param>
/// <param name="Length">How long it lasted.</param>
public sealed record AgentAudioGap(TimeSpan At, TimeSpan Length);
