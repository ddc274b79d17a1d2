namespace DvServerless.Adapters.OpenAI.Webhooks;

/// <summary>A verified, parsed <c>realtime.call.incoming</c> webhook: a SIP call waiting to be accepted or rejected.</summary>
/// <param name="WebhookId">The <c>webhook-id</c> header (stable across redeliveries; dedupe on it).</param>
/// <param name="EventId">The event's <c>id</c> (<c>evt_…</c>).</param>
/// <param name="Type">The event type, <c>realtime.call.incoming</c>.</param>
/// <param name="CallId">The <c>rtc_…</c> id for accept / reject / refer / hangup and the sideband <c>?call_id=</c>.</param>
/// <param name="CreatedAt">The event's <c>created_at</c>.</param>
/// <param name="SipHeaders">The INVITE's headers, ordered, untrusted.</param>
public sealed record SipIncomingCall(
    string WebhookId,
    string EventId,
    string Type,
    string CallId,
    DateTimeOffset CreatedAt,
    SipHeaderCollection SipHeaders);
