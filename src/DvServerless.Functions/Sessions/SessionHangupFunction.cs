using DvServerless.Functions.Hosting.OpenApi;
using DvServerless.Functions.Http;
using DvServerless.Functions.Tenants;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace DvServerless.Functions.Sessions;

/// <summary>Function <c>SessionHangup</c>: <c>POST /api/v1/sessions/{id}/hangup</c>: hangs the call up on its own channel (202).</summary>
public sealed class SessionHangupFunction
{
    /// <summary>The route below <c>/api</c>.</summary>
    public const string Route = "v1/sessions/{id}/hangup";

    private readonly TenantApiAuthorization _authorization;
    private readonly TenantSessionService _sessions;

    /// <summary>Creates the function.</summary>
    public SessionHangupFunction(TenantApiAuthorization authorization, TenantSessionService sessions)
    {
        _authorization = authorization;
        _sessions = sessions;
    }

    /// <summary>Runs the request for its authenticated caller.</summary>
    [Tags("Sessions")]
    [EndpointSummary("Hangs the call up on its own channel (ACS or OpenAI SIP).")]
    [ProducesResponseType<SessionView>(StatusCodes.Status202Accepted)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status401Unauthorized)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status403Forbidden)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status404NotFound)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status409Conflict)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status502BadGateway)]
    [Function("SessionHangup")]
    public Task<IResult> RunAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Route)] HttpRequest req, string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(req);
        return _authorization.RunAsync(req, async _ => SessionHttpResults.From(await _sessions.HangUpAsync(id, cancellationToken), StatusCodes.Status202Accepted));
    }
}
