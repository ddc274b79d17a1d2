namespace DvServerless.Core.Tenants;

/// <summary>
/// One configured tenant (<c>Tenants:Items:N:*</c>). Give either <see cref="ApiKeyHash"/> (preferred: the key itself
/// never reaches configuration) or <see cref="ApiKey"/>, which <see cref="TenantDirectory"/> hashes at load and drops.
/// </summary>
public sealed class TenantOptions
{
    /// <summary>The tenant id (see <see cref="TenantIds.IsValid"/>).</summary>
    public string? Id { get; set; }

    /// <summary>The <see cref="ApiKeyHasher"/> hash of the tenant's API key.</summary>
    public string? ApiKeyHash { get; set; }

    /// <summary>The API key in clear (e.g. from Key Vault); hashed at load and cleared, never kept.</summary>
    public string? ApiKey { get; set; }

    /// <summary>How many calls the tenant may have at once; null or 0 means no limit.</summary>
    public int? MaxConcurrentCalls { get; set; }

    /// <summary>Called numbers in E.164 that route to this tenant.</summary>
    public List<string> PhoneNumbers { get; set; } = [];

    /// <summary>Called SIP URIs that route to this tenant.</summary>
    public List<string> SipUris { get; set; } = [];

    /// <summary>
    /// The Standard Webhooks signing secret (<c>whsec_…</c>) of the tenant's own OpenAI project webhook
    /// (<c>Tenants__Items__N__OpenAIWebhookSecret</c>). A SIP webhook this secret verifies belongs to this tenant, whatever
    /// its caller-controlled headers say. Never logged.
    /// </summary>
    public string? OpenAIWebhookSecret { get; set; }

    /// <summary>
    /// The API key of the tenant's own OpenAI project (<c>Tenants__Items__N__OpenAIApiKey</c>): accept, reject and hang-up
    /// for calls its webhook secret verified are sent with it. Needs <see cref="OpenAIWebhookSecret"/>. Never logged.
    /// </summary>
    public string? OpenAIApiKey { get; set; }
}
