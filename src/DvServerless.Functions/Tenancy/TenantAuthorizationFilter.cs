using DvServerless.Core.Tenants;

namespace DvServerless.Functions.Tenancy;

/// <summary>
/// The endpoint filter behind <c>.RequireTenant()</c>: authenticates the request (401 + <c>auth_failed</c>), applies the
/// caller's rate limit (429 + <c>rate_limited</c>), makes the caller available as <see cref="ITenantContext"/>, runs the
/// handler and writes one audit line with the status it returned (<c>cross_tenant_attempt</c> when the handler reported
/// one, otherwise <c>api_access</c>).
/// </summary>
public sealed class TenantAuthorizationFilter : IEndpointFilter
{
    /// <inheritdoc />
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var gate = http.RequestServices.GetRequiredService<TenantApiGate>();
        var (caller, failure) = await gate.AuthenticateAsync(http.Request).ConfigureAwait(false);
        if (caller is null)
        {
            return await gate.RefuseAsync(http, failure).ConfigureAwait(false);
        }

        var limited = await gate.CheckRateLimitAsync(http, caller).ConfigureAwait(false);
        if (limited is not null)
        {
            return limited;
        }

        var tenant = (TenantContext)http.RequestServices.GetRequiredService<ITenantContext>();
        tenant.SetCaller(caller);
        object? result;
        try
        {
            result = await next(context).ConfigureAwait(false);
        }
        catch (Exception) when (!http.RequestAborted.IsCancellationRequested)
        {
            await gate.AuditAsync(http, caller, StatusCodes.Status500InternalServerError, AuditAction.ApiAccess).ConfigureAwait(false);
            throw;
        }

        var status = result switch
        {
            IStatusCodeHttpResult { StatusCode: { } code } => code,
            _ => StatusCodes.Status200OK,
        };
        await gate.AuditAsync(http, caller, status, tenant.CrossTenantAttempt ? AuditAction.CrossTenantAttempt : AuditAction.ApiAccess).ConfigureAwait(false);
        return result;
    }
}
