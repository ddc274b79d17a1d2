namespace DvServerless.Simulators.Realtime;

/// <summary>One <c>error</c> event the simulator sent.</summary>
/// <param name="SessionId">The session.</param>
/// <param name="Code">The error code (e.g. <c>invalid_value</c>).</param>
/// <param name="Message">The message.</param>
/// <param name="Param">The parameter at fault, if any.</param>
/// <param name="ClientEventId">The client's <c>event_id</c> of the event at fault, if it had one.</param>
public sealed record RealtimeErrorRecord(string SessionId, string? Code, string Message, string? Param, string? ClientEventId);
