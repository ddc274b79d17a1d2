using System.Globalization;
using DvServerless.Core.Tenants;
using DvServerless.Functions.Tenancy;

namespace DvServerless.Functions.Api;

/// <summary>
/// <c>GET /api/v1/audit?tenant=&amp;date=</c> (admin only): the audit lines of one tenant (or <c>_admin</c>, <c>_anonymous</c>)
/// on one UTC day (<c>yyyy-MM-dd</c>, default today), oldest first. A tenant gets 403 (audited as <c>cross_tenant_attempt</c>).
/// </summary>
internal static class AuditApi
{
    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet(ApiRoutes.PathOf(ApiRoutes.Audit), ReadAsync).WithName("Audit").RequireTenant();

    private static async Task<IResult> ReadAsync(string? tenant, string? date, ITenantContext context, IAuditLog audit, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!context.Caller.IsAdmin)
        {
            context.ReportCrossTenantAttempt();
            return ApiResults.Forbidden("Only the admin reads the audit log.");
        }

        if (string.IsNullOrEmpty(tenant)
            || !(TenantIds.IsValid(tenant) || tenant is AuditEntry.AdminTenantId or AuditEntry.AnonymousTenantId))
        {
            return ApiResults.BadRequest($"tenant is required: a tenant id, {AuditEntry.AdminTenantId} or {AuditEntry.AnonymousTenantId}.");
        }

        DateOnly day;
        if (string.IsNullOrEmpty(date))
        {
            day = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        }
        else if (!DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day))
        {
            return ApiResults.BadRequest("date must be yyyy-MM-dd (UTC).");
        }

        var entries = await audit.ReadAsync(tenant, day, cancellationToken);
        return Results.Json(new AuditList(tenant, day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), entries));
    }

    internal sealed record AuditList(string Tenant, string Date, IReadOnlyList<AuditEntry> Entries);
}
