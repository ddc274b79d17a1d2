using DvServerless.Adapters.OpenAI.Webhooks;

namespace DvServerless.Functions.Sip;

/// <summary>The outcome of <see cref="SipWebhookAuthenticator.Authenticate"/>.</summary>
/// <param name="Result">Why the delivery is (not) authentic: <see cref="WebhookVerificationResult.Valid"/> or the failure.</param>
/// <param name="TenantId">
/// The tenant whose own OpenAI webhook secret verified the delivery; null when the gateway's secret did (a call of no
/// tenant, unless <see cref="SipRoutingOptions.RouteByCalledParty"/> routes it) or when it did not verify.
/// </param>
public sealed record SipWebhookAuthentication(WebhookVerificationResult Result, string? TenantId)
{
    /// <summary>True when a configured secret verified the delivery.</summary>
    public bool IsValid => Result == WebhookVerificationResult.Valid;

    /// <summary>A short, secret-free reason for logs and the 400 body.</summary>
    public string Reason => StandardWebhookVerifier.Describe(Result);
}
