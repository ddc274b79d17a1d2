using DvServerless.Adapters.Tenants;
using System.Globalization;
using System.Text;
using DvServerless.Adapters.OpenAI.Webhooks;
using DvServerless.Core.Hosting;
using DvServerless.Core.Tenants;
using DvServerless.Functions.Sip;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Microsoft.Extensions.Time.Testing;

namespace DvServerless.Functions.Tests.Sip;

/// <summary>The webhook secret that verifies a delivery names its tenant; nothing the caller sends does.</summary>
public sealed class SipWebhookAuthenticatorTests
{
    private const string AcmeSecret = "whsec_YWNtZS1vd24tb3BlbmFpLXByb2plY3Qtd2ViaG9vaw==";
    private const string GlobexSecret = "whsec_Z2xvYmV4LW93bi1vcGVuYWktcHJvamVjdC13ZWJob29r";
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"type":"realtime.call.incoming"}""");

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 10, 3, 0, 0, TimeSpan.Zero));

    [Theory]
    [InlineData(AcmeSecret, "acme")]
    [InlineData(GlobexSecret, "globex")]
    [InlineData(LocalDefaults.OpenAIWebhookSecret, null)]
    public void The_secret_that_verifies_names_the_tenant(string secret, string? tenant)
    {
        var result = Authenticator().Authenticate(Signed(secret), Body);

        Assert.True(result.IsValid);
        Assert.Equal(tenant, result.TenantId);
    }

    [Fact]
    public void A_delivery_no_configured_secret_verifies_is_refused_without_a_tenant()
    {
        var result = Authenticator().Authenticate(Signed("whsec_" + Convert.ToBase64String(new byte[32])), Body);

        Assert.False(result.IsValid);
        Assert.Equal(WebhookVerificationResult.NoMatchingSignature, result.Result);
        Assert.Null(result.TenantId);
    }

    [Fact]
    public void A_missing_header_reads_as_missing_even_with_only_tenant_secrets()
    {
        var headers = Signed(AcmeSecret).Where(h => h.Key != StandardWebhookVerifier.SignatureHeader).ToArray();

        var result = Authenticator(gatewaySecret: string.Empty).Authenticate(headers, Body);

        Assert.Equal(WebhookVerificationResult.MissingSignature, result.Result);
        Assert.Equal("missing webhook-signature header", result.Reason);
    }

    [Fact]
    public void Without_tenants_only_the_gateway_secret_counts()
    {
        var authenticator = new SipWebhookAuthenticator(new StandardWebhookVerifier(_time), Options.Create(new SipWebhookOptions()));

        Assert.True(authenticator.Authenticate(Signed(LocalDefaults.OpenAIWebhookSecret), Body).IsValid);
        Assert.False(authenticator.Authenticate(Signed(AcmeSecret), Body).IsValid);
    }

    [Theory]
    [InlineData("not-a-secret", "must be the webhook's signing secret")]
    [InlineData(LocalDefaults.OpenAIWebhookSecret, "must not be the public local development secret")]
    public void A_tenant_webhook_secret_that_protects_nothing_is_refused_at_start_up(string secret, string expected)
    {
        var options = new TenantsOptions { Items = [new() { Id = "acme", ApiKey = "dvs_acme-key-0123456789abcdef", OpenAIWebhookSecret = secret }] };

        var result = new DvServerless.Adapters.Tenants.TenantsOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(expected, result.FailureMessage, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, result.FailureMessage, StringComparison.Ordinal);
    }

    private SipWebhookAuthenticator Authenticator(string gatewaySecret = LocalDefaults.OpenAIWebhookSecret)
    {
        var tenants = new TenantDirectory(new TenantsOptions
        {
            Items =
            [
                new() { Id = "acme", ApiKey = "dvs_acme-key-0123456789abcdef", OpenAIWebhookSecret = AcmeSecret },
                new() { Id = "beta", ApiKey = "dvs_beta-key-0123456789abcdef" },
                new() { Id = "globex", ApiKey = "dvs_globex-key-0123456789abcdef", OpenAIWebhookSecret = GlobexSecret },
            ],
        });
        return new SipWebhookAuthenticator(
            new StandardWebhookVerifier(_time), Options.Create(new SipWebhookOptions { WebhookSecret = gatewaySecret }), tenants);
    }

    private KeyValuePair<string, StringValues>[] Signed(string secret)
    {
        var timestamp = _time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return
        [
            new(StandardWebhookVerifier.IdHeader, "wh_1"),
            new(StandardWebhookVerifier.TimestampHeader, timestamp),
            new(StandardWebhookVerifier.SignatureHeader, StandardWebhookVerifier.Sign(secret, "wh_1", timestamp, Body)),
        ];
    }
}
