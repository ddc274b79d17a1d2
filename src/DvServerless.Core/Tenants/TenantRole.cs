namespace DvServerless.Core.Tenants;

/// <summary>What an authenticated API caller may do.</summary>
public enum TenantRole
{
    /// <summary>A tenant: sees only its own calls, minutes, voices and cache entries.</summary>
    Tenant,
    /// <summary>The operator of the deployment: sees every tenant and can list by tenant.</summary>
    Admin,
}
