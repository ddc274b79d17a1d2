using DvServerless.Adapters.Tts;

namespace DvServerless.Functions.Tenants;

/// <summary>
/// The one place the minutes, voices and TTS-cache functions learn which tenant a request acts for: the caller that
/// <see cref="TenantApiAuthorization"/> authenticated. The admin (no tenant of its own) names one with <c>?tenant=</c>, else acts for
/// the <c>default</c> tenant.
/// </summary>
internal static class RequestTenant
{
    /// <summary>The tenant of work no tenant owns (calls before tenants were configured, the admin's default).</summary>
    public const string Default = TtsServiceCollectionExtensions.DefaultTenant;

    /// <summary>The tenant <paramref name="context"/> acts for.</summary>
    public static string Of(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var tenant = context.RequestServices.GetService<ITenantContext>();
        if (tenant is { IsAuthenticated: true } && tenant.Caller.TenantId is { } id)
        {
            return id;
        }

        var named = context.Request.Query["tenant"].ToString();
        return Adapters.Storage.CallIdFormat.IsValid(named) ? named : Default;
    }

    /// <summary>
    /// Whether the request may see a resource owned by <paramref name="ownerTenantId"/> (unowned resources belong to the
    /// default tenant); a refusal is reported to the tenancy audit as a cross-tenant attempt.
    /// </summary>
    public static bool MayAccess(HttpContext context, string? ownerTenantId)
    {
        var tenant = context.RequestServices.GetService<ITenantContext>();
        if (tenant is { IsAuthenticated: true })
        {
            return tenant.TryAccess(ownerTenantId ?? Default);
        }

        return string.Equals(ownerTenantId ?? Default, Of(context), StringComparison.Ordinal);
    }
}
