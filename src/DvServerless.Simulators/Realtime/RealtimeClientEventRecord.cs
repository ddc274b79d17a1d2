namespace DvServerless.Simulators.Realtime;

/// <summary>One client event the simulator received (valid or not).</summary>
/// <param name="SessionId">The <c>sess_…</c> id of the session.</param>
/// <param name="ReceivedAt">When it arrived.</param>
/// <param name="Type">The event's <c>type</c> (or <c>(invalid)</c> for a frame that was not a JSON object with a type).</param>
/// <param name="EventId">The client's optional <c>event_id</c>.</param>
public sealed record RealtimeClientEventRecord(string SessionId, DateTimeOffset ReceivedAt, string Type, string? EventId);
