using DvServerless.Core.Hosting;

namespace DvServerless.Functions.Sip;

/// <summary>
/// How the <c>SipIncoming</c> function authenticates OpenAI's webhooks (configuration section <c>OpenAI</c>, env
/// <c>OpenAI__WebhookSecret</c>): the project webhook's Standard Webhooks signing secret.
/// </summary>
public sealed class SipWebhookOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "OpenAI";

    /// <summary>
    /// The <c>whsec_…</c> signing secret OpenAI (or Azure OpenAI) showed when the webhook was created. Defaults to the
    /// local simulator's public development secret, which the app refuses to use in Azure.
    /// </summary>
    public string WebhookSecret { get; set; } = LocalDefaults.OpenAIWebhookSecret;

    /// <summary>How far a delivery's <c>webhook-timestamp</c> may be from now (Standard Webhooks: 300 s).</summary>
    public TimeSpan WebhookTolerance { get; set; } = TimeSpan.FromSeconds(300);
}
