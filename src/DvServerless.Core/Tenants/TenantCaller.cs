namespace DvServerless.Core.Tenants;

/// <summary>
/// Who an API request comes from once its API key or token was checked.
/// </summary>
/// <param name="TenantId">The tenant; null for the admin, who belongs to no tenant.</param>
/// <param name="Role">What the caller may do.</param>
public sealed record TenantCaller(string? TenantId, TenantRole Role)
{
    /// <summary>The admin caller.</summary>
    public static TenantCaller Admin { get; } = new(null, TenantRole.Admin);

    /// <summary>A caller acting for <paramref name="tenantId"/>.</summary>
    public static TenantCaller ForTenant(string tenantId)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        return new(tenantId, TenantRole.Tenant);
    }

    /// <summary>Whether the caller is the admin.</summary>
    public bool IsAdmin => Role == TenantRole.Admin;

    /// <summary>
    /// Whether the caller may see or change a resource owned by <paramref name="ownerTenantId"/>. The admin may see
    /// everything; a tenant only what it owns. A resource with no owner (tenants not configured when it was created)
    /// belongs to the admin only.
    /// </summary>
    public bool CanAccess(string? ownerTenantId) =>
        IsAdmin || (ownerTenantId is not null && string.Equals(TenantId, ownerTenantId, StringComparison.Ordinal));
}
