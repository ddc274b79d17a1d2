namespace DvServerless.Core.Live;

/// <summary>The SignalR groups of the live hub: one per tenant, and one for the admin, who sees every call.</summary>
public static class LiveGroups
{
    /// <summary>The admin's group.</summary>
    public const string Admin = "admin";

    /// <summary>The group of tenant <paramref name="tenantId"/>.</summary>
    public static string ForTenant(string tenantId)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        return "tenant-" + tenantId;
    }

    /// <summary>The groups an event of <paramref name="tenantId"/> goes to: the tenant's (when there is one) and the admin's.</summary>
    public static IReadOnlyList<string> For(string? tenantId) =>
        string.IsNullOrEmpty(tenantId) ? [Admin] : [ForTenant(tenantId), Admin];
}
