namespace DvServerless.Simulators.Realtime;

/// <summary>One simulated Realtime session, updated as its configuration changes and when it ends.</summary>
/// <param name="SessionId">The <c>sess_…</c> id.</param>
/// <param name="Model">The model the client connected with (null for sideband and transcription sessions).</param>
/// <param name="CallId">The <c>call_id</c> of a sideband session.</param>
/// <param name="IsTranscription">Whether the session was opened with <c>intent=transcription</c>.</param>
/// <param name="StartedAt">When the WebSocket was accepted.</param>
/// <param name="EffectiveConfigurationJson">The full effective session object, as last sent in <c>session.created/updated</c>.</param>
/// <param name="EndedAt">When the socket closed, if it has.</param>
/// <param name="CloseReason">Why it closed, if it has.</param>
public sealed record RealtimeSessionRecord(
    string SessionId,
    string? Model,
    string? CallId,
    bool IsTranscription,
    DateTimeOffset StartedAt,
    string EffectiveConfigurationJson,
    DateTimeOffset? EndedAt = null,
    string? CloseReason = null);
