namespace DvServerless.Adapters.OpenAI.Webhooks;

/// <summary>
/// One parsed webhook delivery: its type and, for <c>realtime.call.incoming</c>, the call. Every other type (including
/// <c>live.call.incoming</c>, which a Realtime-only gateway must acknowledge and ignore) has <see cref="Call"/> null.
/// </summary>
/// <param name="Type">The event's <c>type</c>.</param>
/// <param name="EventId">The event's <c>id</c>, when it is a string.</param>
/// <param name="Call">The incoming call, or null for an ignored type.</param>
public sealed record RealtimeWebhookEvent(string Type, string? EventId, SipIncomingCall? Call)
{
    /// <summary>True when the event is not a Realtime incoming call: answer 2xx and do nothing.</summary>
    public bool IsIgnored => Call is null;
}
