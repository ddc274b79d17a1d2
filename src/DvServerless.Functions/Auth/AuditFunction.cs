using System.Globalization;
using DvServerless.Core.Tenants;
using DvServerless.Functions.Hosting.OpenApi;
using DvServerless.Functions.Http;
using DvServerless.Functions.Tenants;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace DvServerless.Functions.Auth;

/// <summary>
/// Function <c>Audit</c>: <c>GET /api/v1/audit?tenant=&amp;date=</c> (admin only): the audit lines of one tenant (or
/// <c>_admin</c>, <c>_anonymous</c>) on one UTC day (<c>yyyy-MM-dd</c>, default today), oldest first. A tenant gets 403
/// (audited as <c>cross_tenant_attempt</c>).
/// </summary>
public sealed class AuditFunction
{
    /// <summary>The route below <c>/api</c>.</summary>
    public const string Route = "v1/audit";

    private readonly TenantApiAuthorization _authorization;
    private readonly ITenantContext _tenant;
    private readonly IAuditLog _audit;
    private readonly TimeProvider _time;

    /// <summary>Creates the function.</summary>
    public AuditFunction(TenantApiAuthorization authorization, ITenantContext tenant, IAuditLog audit, TimeProvider time)
    {
        _authorization = authorization;
        _tenant = tenant;
        _audit = audit;
        _time = time;
    }

    /// <summary>Reads the audit lines.</summary>
    [Tags("Audit")]
    [EndpointSummary("The audit lines of one tenant and UTC day (admin only).")]
    [OpenApiQuery("tenant", typeof(string), "A tenant id, _admin or _anonymous.", Required = true)]
    [OpenApiQuery("date", typeof(string), "The UTC day, yyyy-MM-dd; default today.")]
    [ProducesResponseType<AuditFunction.AuditList>(StatusCodes.Status200OK)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status400BadRequest)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status401Unauthorized)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status403Forbidden)]
    [Function("Audit")]
    public Task<IResult> RunAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Route)] HttpRequest req, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(req);
        return _authorization.RunAsync(req, async caller =>
        {
            if (!caller.IsAdmin)
            {
                _tenant.ReportCrossTenantAttempt();
                return ErrorResults.Forbidden("Only the admin reads the audit log.");
            }

            var tenant = QueryValues.Text(req, "tenant");
            if (string.IsNullOrEmpty(tenant)
                || !(TenantIds.IsValid(tenant) || tenant is AuditEntry.AdminTenantId or AuditEntry.AnonymousTenantId))
            {
                return ErrorResults.BadRequest($"tenant is required: a tenant id, {AuditEntry.AdminTenantId} or {AuditEntry.AnonymousTenantId}.");
            }

            DateOnly day;
            var date = QueryValues.Text(req, "date");
            if (date is null)
            {
                day = DateOnly.FromDateTime(_time.GetUtcNow().UtcDateTime);
            }
            else if (!DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day))
            {
                return ErrorResults.BadRequest("date must be yyyy-MM-dd (UTC).");
            }

            var entries = await _audit.ReadAsync(tenant, day, cancellationToken);
            return Results.Json(new AuditList(tenant, day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), entries));
        });
    }

    /// <summary>The body of the answer.</summary>
    public sealed record AuditList(string Tenant, string Date, IReadOnlyList<AuditEntry> Entries);
}
