namespace DvServerless.Adapters.Tenants;

/// <summary>Settings of the API tokens <see cref="TenantTokenService"/> issues (configuration section <c>Tenants:Tokens</c>).</summary>
public sealed class TenantTokenOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Tenants:Tokens";

    /// <summary>The HMAC-SHA256 signing key: base64 of at least 32 bytes, or text of at least 32 characters. From Key Vault in the cloud.</summary>
    public string? SigningKey { get; set; }

    /// <summary>The <c>iss</c> claim.</summary>
    public string Issuer { get; set; } = "dvserverless";

    /// <summary>The <c>aud</c> claim.</summary>
    public string Audience { get; set; } = "dvserverless-api";

    /// <summary>How long a token is valid.</summary>
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Clock difference tolerated between instances when checking lifetimes.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);
}
