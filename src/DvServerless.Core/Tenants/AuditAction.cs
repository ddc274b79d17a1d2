using System.Text.Json.Serialization;

namespace DvServerless.Core.Tenants;

/// <summary>What an audited API request amounted to.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<AuditAction>))]
public enum AuditAction
{
    /// <summary>An authenticated request that was served (whatever its status).</summary>
    [JsonStringEnumMemberName("api_access")]
    ApiAccess,
    /// <summary>A request with a missing, wrong, expired or tampered credential.</summary>
    [JsonStringEnumMemberName("auth_failed")]
    AuthFailed,
    /// <summary>A request refused with 429.</summary>
    [JsonStringEnumMemberName("rate_limited")]
    RateLimited,
    /// <summary>A tenant asked for another tenant's resource and got 403.</summary>
    [JsonStringEnumMemberName("cross_tenant_attempt")]
    CrossTenantAttempt,
}
