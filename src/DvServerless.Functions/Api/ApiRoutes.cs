namespace DvServerless.Functions.Api;

/// <summary>
/// The tenant API routes (below <c>/api</c>), one Functions function each (<c>FunctionDefinitions/&lt;Name&gt;/function.json</c>,
/// <c>authLevel: anonymous</c>: these routes carry their own authentication, API key or token, so dashboards and CRMs need
/// no function key).
/// </summary>
public static class ApiRoutes
{
    /// <summary>Function <c>AuthToken</c>: POST, API key → token.</summary>
    public const string AuthToken = "v1/auth/token";

    /// <summary>Function <c>Sessions</c>: GET, the caller's sessions (admin: all, <c>?tenant=</c> filter).</summary>
    public const string Sessions = "v1/sessions";

    /// <summary>Function <c>Session</c>: GET one session.</summary>
    public const string Session = "v1/sessions/{id}";

    /// <summary>Function <c>SessionMeta</c>: PATCH, merges free-form metadata.</summary>
    public const string SessionMeta = "v1/sessions/{id}/meta";

    /// <summary>Function <c>SessionHangup</c>: POST, hangs the call up.</summary>
    public const string SessionHangup = "v1/sessions/{id}/hangup";

    /// <summary>Function <c>TenantSessions</c>: GET, a tenant's sessions (admin, or the tenant itself).</summary>
    public const string TenantSessions = "v1/tenants/{tenant}/sessions";

    /// <summary>Function <c>Audit</c>: GET, the audit lines of a tenant and day (admin).</summary>
    public const string Audit = "v1/audit";

    /// <summary>The full path of <paramref name="route"/>.</summary>
    public static string PathOf(string route) => "/" + Hosting.FunctionRoutes.Prefix + "/" + route;
}
