using DvServerless.Functions.Hosting.OpenApi;
using DvServerless.Functions.Http;
using DvServerless.Functions.Tenants;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace DvServerless.Functions.Sessions;

/// <summary>Function <c>Sessions</c>: <c>GET /api/v1/sessions</c>: the caller's sessions, newest first (admin: all, or ?tenant=); ?limit= 1–1000, default 100.</summary>
public sealed class SessionsFunction
{
    /// <summary>The route below <c>/api</c>.</summary>
    public const string Route = "v1/sessions";

    private readonly TenantApiAuthorization _authorization;
    private readonly TenantSessionService _sessions;

    /// <summary>Creates the function.</summary>
    public SessionsFunction(TenantApiAuthorization authorization, TenantSessionService sessions)
    {
        _authorization = authorization;
        _sessions = sessions;
    }

    /// <summary>Runs the request for its authenticated caller.</summary>
    [Tags("Sessions")]
    [EndpointSummary("The caller's sessions, newest first (admin: every tenant's).")]
    [OpenApiQuery("tenant", typeof(string), "Only this tenant's sessions (the admin, or the tenant itself).")]
    [OpenApiQuery("limit", typeof(int), "1–1000, default 100.")]
    [ProducesResponseType<SessionList>(StatusCodes.Status200OK)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status400BadRequest)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status401Unauthorized)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status403Forbidden)]
    [Function("Sessions")]
    public Task<IResult> RunAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Route)] HttpRequest req, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(req);
        return _authorization.RunAsync(req, async caller =>
        {
            if (!QueryValues.TryInt(req, "limit", out var limit))
            {
                return ErrorResults.BadRequest($"limit must be between 1 and {TenantSessionService.MaxLimit}.");
            }

            var (sessions, outcome, error) = await _sessions.ListAsync(caller, QueryValues.Text(req, "tenant"), limit, cancellationToken);
            return sessions is null ? SessionHttpResults.Refusal(outcome, error!) : Results.Json(new SessionList(sessions.Select(SessionView.Of).ToList()));
        });
    }
}
