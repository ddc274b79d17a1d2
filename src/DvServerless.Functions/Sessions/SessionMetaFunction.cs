using DvServerless.Functions.Hosting.OpenApi;
using DvServerless.Functions.Http;
using DvServerless.Functions.Tenants;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace DvServerless.Functions.Sessions;

/// <summary>Function <c>SessionMeta</c>: <c>PATCH /api/v1/sessions/{id}/meta</c>: merges free-form metadata (<c>{"customerId":"C-42"}</c>; null removes a key).</summary>
public sealed class SessionMetaFunction
{
    /// <summary>The route below <c>/api</c>.</summary>
    public const string Route = "v1/sessions/{id}/meta";

    private readonly TenantApiAuthorization _authorization;
    private readonly TenantSessionService _sessions;

    /// <summary>Creates the function.</summary>
    public SessionMetaFunction(TenantApiAuthorization authorization, TenantSessionService sessions)
    {
        _authorization = authorization;
        _sessions = sessions;
    }

    /// <summary>Runs the request for its authenticated caller.</summary>
    [Tags("Sessions")]
    [EndpointSummary("Merges free-form string metadata into a session; null removes a key (at most 32 entries).")]
    [OpenApiRequestBody(typeof(Dictionary<string, string?>))]
    [ProducesResponseType<SessionView>(StatusCodes.Status200OK)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status400BadRequest)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status401Unauthorized)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status403Forbidden)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status404NotFound)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status413PayloadTooLarge)]
    [Function("SessionMeta")]
    public Task<IResult> RunAsync([HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = Route)] HttpRequest req, string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(req);
        return _authorization.RunAsync(req, async _ =>
        {
            var loaded = await _sessions.GetAsync(id, cancellationToken);
            if (loaded.Session is null)
            {
                return SessionHttpResults.From(loaded);
            }

            var body = await RequestBodyReader.ReadAsync(req, SessionMetadataLimits.MaxBodyBytes, cancellationToken);
            if (body is null)
            {
                return ErrorResults.TooLarge(SessionMetadataLimits.MaxBodyBytes);
            }

            var patch = SessionMetadataPatch.TryParse(body, out var error);
            return patch is null ? ErrorResults.BadRequest(error!) : SessionHttpResults.From(await _sessions.UpdateMetadataAsync(id, patch, cancellationToken));
        });
    }
}
