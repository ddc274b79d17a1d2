using DvServerless.Core.Tenants;

namespace DvServerless.Functions.Tenants;

/// <summary>The per-request <see cref="ITenantContext"/> (a scoped service).</summary>
public sealed class TenantContext : ITenantContext
{
    private TenantCaller? _caller;

    /// <inheritdoc />
    public TenantCaller Caller => _caller ?? throw new InvalidOperationException("This request did not go through TenantApiAuthorization; there is no authenticated caller.");

    /// <inheritdoc />
    public bool IsAuthenticated => _caller is not null;

    /// <inheritdoc />
    public bool CrossTenantAttempt { get; private set; }

    /// <inheritdoc />
    public bool TryAccess(string? ownerTenantId)
    {
        if (Caller.CanAccess(ownerTenantId))
        {
            return true;
        }

        CrossTenantAttempt = true;
        return false;
    }

    /// <inheritdoc />
    public void ReportCrossTenantAttempt() => CrossTenantAttempt = true;

    /// <summary>Sets the caller once authentication succeeded.</summary>
    internal void SetCaller(TenantCaller caller) => _caller = caller;
}
