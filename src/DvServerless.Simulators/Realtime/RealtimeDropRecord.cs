namespace DvServerless.Simulators.Realtime;

/// <summary>One session the simulator dropped on purpose (<see cref="RealtimeSimulatorOptions.ConnectionDrop"/>).</summary>
/// <param name="SessionId">The <c>sess_…</c> id of the dropped session.</param>
/// <param name="DroppedAt">When the socket was aborted.</param>
/// <param name="Trigger">What dropped it: <c>after N responses</c> or <c>after T</c>.</param>
/// <param name="CallerTurns">How many caller utterances the session had heard (the next session goes on from there).</param>
public sealed record RealtimeDropRecord(string SessionId, DateTimeOffset DroppedAt, string Trigger, int CallerTurns);
