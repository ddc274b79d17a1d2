using DvServerless.Functions.Hosting.OpenApi;
using DvServerless.Functions.Http;
using DvServerless.Functions.Tenants;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace DvServerless.Functions.Sessions;

/// <summary>Function <c>TenantSessions</c>: <c>GET /api/v1/tenants/{tenant}/sessions</c>: a tenant's sessions (the admin, or that tenant).</summary>
public sealed class TenantSessionsFunction
{
    /// <summary>The route below <c>/api</c>.</summary>
    public const string Route = "v1/tenants/{tenant}/sessions";

    private readonly TenantApiAuthorization _authorization;
    private readonly TenantSessionService _sessions;

    /// <summary>Creates the function.</summary>
    public TenantSessionsFunction(TenantApiAuthorization authorization, TenantSessionService sessions)
    {
        _authorization = authorization;
        _sessions = sessions;
    }

    /// <summary>Runs the request for its authenticated caller.</summary>
    [Tags("Sessions")]
    [EndpointSummary("A tenant's sessions, newest first (the admin, or that tenant).")]
    [OpenApiQuery("limit", typeof(int), "1–1000, default 100.")]
    [ProducesResponseType<SessionList>(StatusCodes.Status200OK)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status400BadRequest)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status401Unauthorized)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status403Forbidden)]
    [Function("TenantSessions")]
    public Task<IResult> RunAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Route)] HttpRequest req, string tenant, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(req);
        return _authorization.RunAsync(req, async caller =>
        {
            if (!QueryValues.TryInt(req, "limit", out var limit))
            {
                return ErrorResults.BadRequest($"limit must be between 1 and {TenantSessionService.MaxLimit}.");
            }

            var (sessions, outcome, error) = await _sessions.ListAsync(caller, tenant, limit, cancellationToken);
            return sessions is null ? SessionHttpResults.Refusal(outcome, error!) : Results.Json(new SessionList(sessions.Select(SessionView.Of).ToList()));
        });
    }
}
