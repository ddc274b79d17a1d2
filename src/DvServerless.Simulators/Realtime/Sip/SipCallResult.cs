namespace DvServerless.Simulators.Realtime.Sip;

/// <summary>What happened to one simulated SIP call (a snapshot while it runs, the outcome once it has ended).</summary>
/// <param name="CallId">The <c>rtc_…</c> id sent in the webhook.</param>
/// <param name="WebhookId">The <c>webhook-id</c>, the same on every delivery attempt.</param>
/// <param name="WebhookAttempts">The HTTP status of each delivery attempt in order (0 when no response arrived).</param>
/// <param name="LiveWebhookStatus">The status of the <c>live.call.incoming</c> delivery, when one was sent.</param>
/// <param name="AcceptCount">Valid accept requests for this call (more than 1 means the app accepted twice).</param>
/// <param name="AcceptedSessionJson">The first accepted session body.</param>
/// <param name="RejectStatus">The SIP status the app rejected with (603 when it sent none).</param>
/// <param name="ReferTarget">The <c>target_uri</c> the app referred the call to.</param>
/// <param name="End">How the call ended.</param>
/// <param name="SidebandCount">How many sideband WebSockets attached.</param>
/// <param name="Transcripts">The conversation on the call's sessions (caller lines from the script, agent replies).</param>
/// <param name="Responses">The responses produced on the call's sessions.</param>
public sealed record SipCallResult(
    string CallId,
    string WebhookId,
    IReadOnlyList<int> WebhookAttempts,
    int? LiveWebhookStatus,
    int AcceptCount,
    string? AcceptedSessionJson,
    int? RejectStatus,
    string? ReferTarget,
    SipCallEnd End,
    int SidebandCount,
    IReadOnlyList<RealtimeTranscriptRecord> Transcripts,
    IReadOnlyList<RealtimeResponseRecord> Responses);
