using DvServerless.Core.Tenants;

namespace DvServerless.Functions.Tenants;

/// <summary>
/// The authenticated caller of the current API request, set by <see cref="TenantApiAuthorization"/> (every tenant API function
/// runs its work through it) and injected into services. Handlers use it to scope what they return and to report a
/// cross-tenant attempt, which the filter then audits as <c>cross_tenant_attempt</c>.
/// </summary>
public interface ITenantContext
{
    /// <summary>The caller; throws <see cref="InvalidOperationException"/> outside <see cref="TenantApiAuthorization.RunAsync"/>.</summary>
    TenantCaller Caller { get; }

    /// <summary>Whether the request was authenticated (always true inside <see cref="TenantApiAuthorization.RunAsync"/>).</summary>
    bool IsAuthenticated { get; }

    /// <summary>Whether <see cref="ReportCrossTenantAttempt"/> was called for this request.</summary>
    bool CrossTenantAttempt { get; }

    /// <summary>
    /// Whether the caller may see a resource owned by <paramref name="ownerTenantId"/>; when not, the request is marked as a
    /// cross-tenant attempt (audited) and the handler should answer 403.
    /// </summary>
    bool TryAccess(string? ownerTenantId);

    /// <summary>Marks this request as an attempt to reach another tenant's resource.</summary>
    void ReportCrossTenantAttempt();
}
