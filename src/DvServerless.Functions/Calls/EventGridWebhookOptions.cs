namespace DvServerless.Functions.Calls;

/// <summary>How the Event Grid webhook (<c>IncomingCall</c>) is protected (configuration section <c>EventGrid</c>).</summary>
public sealed class EventGridWebhookOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "EventGrid";

    /// <summary>
    /// The expected Event Grid subscription (header <c>aeg-subscription-name</c>, compared case-insensitively: Event Grid
    /// sends it upper-case). When set, Event Grid schema POSTs — the validation handshake included — from any other
    /// subscription get 403.
    /// </summary>
    public string? SubscriptionName { get; set; }

    /// <summary>
    /// The standalone app's stand-in for a function key: when set, the webhook requires it as <c>?code=</c> (or the
    /// <c>x-functions-key</c> header), compared in constant time. Ignored under the Functions host, which enforces the real
    /// function key before forwarding (the function is <c>AuthorizationLevel.Function</c>).
    /// </summary>
    public string? SharedKey { get; set; }
}
