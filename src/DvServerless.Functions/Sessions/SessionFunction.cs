using DvServerless.Functions.Hosting.OpenApi;
using DvServerless.Functions.Http;
using DvServerless.Functions.Tenants;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace DvServerless.Functions.Sessions;

/// <summary>Function <c>Session</c>: <c>GET /api/v1/sessions/{id}</c>: one session.</summary>
public sealed class SessionFunction
{
    /// <summary>The route below <c>/api</c>.</summary>
    public const string Route = "v1/sessions/{id}";

    private readonly TenantApiAuthorization _authorization;
    private readonly TenantSessionService _sessions;

    /// <summary>Creates the function.</summary>
    public SessionFunction(TenantApiAuthorization authorization, TenantSessionService sessions)
    {
        _authorization = authorization;
        _sessions = sessions;
    }

    /// <summary>Runs the request for its authenticated caller.</summary>
    [Tags("Sessions")]
    [EndpointSummary("One session.")]
    [ProducesResponseType<SessionView>(StatusCodes.Status200OK)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status401Unauthorized)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status403Forbidden)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status404NotFound)]
    [Function("Session")]
    public Task<IResult> RunAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Route)] HttpRequest req, string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(req);
        return _authorization.RunAsync(req, async _ => SessionHttpResults.From(await _sessions.GetAsync(id, cancellationToken)));
    }
}
