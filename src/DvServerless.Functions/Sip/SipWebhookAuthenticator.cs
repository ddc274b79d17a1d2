using DvServerless.Adapters.OpenAI.Webhooks;
using DvServerless.Core.Tenants;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace DvServerless.Functions.Sip;

/// <summary>
/// Authenticates an OpenAI webhook delivery (Standard Webhooks, PROTOCOL §3) and says whose it is: the signing secret
/// that verifies it names the OpenAI project it came from, so a tenant's own secret (<c>Tenants:Items:N:OpenAIWebhookSecret</c>)
/// makes the call that tenant's, and the gateway's secret (<c>OpenAI:WebhookSecret</c>) makes it a call of no tenant.
/// The caller-controlled SIP headers never take part in this.
/// </summary>
/// <remarks>
/// Tenants' secrets are tried before the gateway's, so a tenant that (against advice) shares the gateway's project
/// still gets its calls. When nothing verifies, the reason reported is the one of the gateway's secret (or of the first
/// tenant's when the gateway has none), so a missing header still reads as a missing header.
/// </remarks>
public sealed class SipWebhookAuthenticator
{
    private readonly StandardWebhookVerifier _verifier;
    private readonly SipWebhookOptions _options;
    private readonly TenantDirectory? _tenants;

    /// <summary>Creates the authenticator; without <paramref name="tenants"/> only the gateway's secret is used.</summary>
    public SipWebhookAuthenticator(StandardWebhookVerifier verifier, IOptions<SipWebhookOptions> options, TenantDirectory? tenants = null)
    {
        ArgumentNullException.ThrowIfNull(verifier);
        ArgumentNullException.ThrowIfNull(options);
        _verifier = verifier;
        _options = options.Value;
        _tenants = tenants;
    }

    /// <summary>
    /// Verifies a delivery from its request headers (names matched case-insensitively) and its raw body bytes exactly as
    /// received (never re-serialized).
    /// </summary>
    public SipWebhookAuthentication Authenticate(IEnumerable<KeyValuePair<string, StringValues>> headers, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var materialized = headers as IReadOnlyCollection<KeyValuePair<string, StringValues>> ?? headers.ToArray();
        WebhookVerificationResult? firstTenantResult = null;
        foreach (var tenant in _tenants?.TenantsWithOpenAIWebhookSecret ?? [])
        {
            var result = _verifier.Verify(materialized, body, tenant.OpenAIWebhookSecret);
            if (result == WebhookVerificationResult.Valid)
            {
                return new SipWebhookAuthentication(result, tenant.Id);
            }

            firstTenantResult ??= result;
        }

        var global = _verifier.Verify(materialized, body, _options.WebhookSecret);
        if (global == WebhookVerificationResult.Valid)
        {
            return new SipWebhookAuthentication(global, null);
        }

        return new SipWebhookAuthentication(
            global == WebhookVerificationResult.MissingSecret && firstTenantResult is { } tenantResult ? tenantResult : global, null);
    }
}
