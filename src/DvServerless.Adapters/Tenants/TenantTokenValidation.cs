using DvServerless.Core.Tenants;

namespace DvServerless.Adapters.Tenants;

/// <summary>The result of <see cref="TenantTokenService.ValidateAsync"/>.</summary>
/// <param name="Status">The outcome.</param>
/// <param name="Caller">The caller the token stands for when <see cref="Status"/> is <see cref="TenantTokenStatus.Valid"/>.</param>
public sealed record TenantTokenValidation(TenantTokenStatus Status, TenantCaller? Caller)
{
    /// <summary>Whether the token was accepted.</summary>
    public bool IsValid => Status == TenantTokenStatus.Valid;
}
