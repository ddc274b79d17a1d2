using DvServerless.Core.Tenants;

namespace DvServerless.Functions.Tenants;

/// <summary>
/// What every tenant API function runs its work through, under the Functions host and standalone alike (the routes are
/// anonymous at the host because the app authenticates them): authenticates the request (401 + <c>auth_failed</c>),
/// applies the caller's rate limit (429 + <c>rate_limited</c>), makes the caller available as <see cref="ITenantContext"/>,
/// runs the work and writes one audit line with the status it returned (<c>cross_tenant_attempt</c> when the work reported
/// one, otherwise <c>api_access</c>).
/// </summary>
public sealed class TenantApiAuthorization
{
    private readonly TenantApiGate _gate;

    /// <summary>Creates the authorization step.</summary>
    public TenantApiAuthorization(TenantApiGate gate) => _gate = gate;

    /// <summary>Runs <paramref name="work"/> for the authenticated caller of <paramref name="request"/>, or answers the refusal.</summary>
    public async Task<IResult> RunAsync(HttpRequest request, Func<TenantCaller, Task<IResult>> work)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(work);
        var http = request.HttpContext;
        var (caller, failure) = await _gate.AuthenticateAsync(request).ConfigureAwait(false);
        if (caller is null)
        {
            return await _gate.RefuseAsync(http, failure).ConfigureAwait(false);
        }

        var limited = await _gate.CheckRateLimitAsync(http, caller).ConfigureAwait(false);
        if (limited is not null)
        {
            return limited;
        }

        var tenant = (TenantContext)http.RequestServices.GetRequiredService<ITenantContext>();
        tenant.SetCaller(caller);
        IResult result;
        try
        {
            result = await work(caller).ConfigureAwait(false);
        }
        catch (Exception) when (!http.RequestAborted.IsCancellationRequested)
        {
            await _gate.AuditAsync(http, caller, StatusCodes.Status500InternalServerError, AuditAction.ApiAccess).ConfigureAwait(false);
            throw;
        }

        var status = result is IStatusCodeHttpResult { StatusCode: { } code } ? code : StatusCodes.Status200OK;
        await _gate.AuditAsync(http, caller, status, tenant.CrossTenantAttempt ? AuditAction.CrossTenantAttempt : AuditAction.ApiAccess).ConfigureAwait(false);
        return result;
    }
}
