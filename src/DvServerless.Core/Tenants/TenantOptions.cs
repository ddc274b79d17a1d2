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
}
