using DvServerless.Functions.Hosting.OpenApi;
using DvServerless.Functions.Http;
using DvServerless.Functions.Tenants;
using DvServerless.Functions.BrowserSessions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace DvServerless.Functions.Realtime;

/// <summary>Function <c>RealtimeClientSecret</c>: <c>POST /api/v1/realtime/client-secret</c>: mints an ephemeral Realtime key with the agent's session.</summary>
public sealed class RealtimeClientSecretFunction
{
    /// <summary>The route below <c>/api</c>.</summary>
    public const string Route = "v1/realtime/client-secret";

    private readonly TenantApiAuthorization _authorization;
    private readonly RealtimeClientSecretService _secrets;

    /// <summary>Creates the function.</summary>
    public RealtimeClientSecretFunction(TenantApiAuthorization authorization, RealtimeClientSecretService secrets)
    {
        _authorization = authorization;
        _secrets = secrets;
    }

    /// <summary>Runs the request for its authenticated caller.</summary>
    [Tags("Realtime")]
    [EndpointSummary("Mints an ephemeral OpenAI Realtime key (ek_…) with the agent's session, for a page that talks to OpenAI over WebRTC.")]
    [OpenApiRequestBody(typeof(ClientSecretRequest))]
    [ProducesResponseType<ClientSecretReply>(StatusCodes.Status200OK)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status400BadRequest)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status401Unauthorized)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status413PayloadTooLarge)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status502BadGateway)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status503ServiceUnavailable)]
    [Function("RealtimeClientSecret")]
    public Task<IResult> RunAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Route)] HttpRequest req, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(req);
        return _authorization.RunAsync(req, async caller =>
        {
            var (request, error) = await VoiceRequestBody.ReadAsync(req, new ClientSecretRequest(), cancellationToken);
            if (error is not null)
            {
                return error;
            }

            var (reply, refusal) = await _secrets.CreateAsync(caller, request!.ExpiresAfterSeconds, cancellationToken);
            return refusal is not null ? VoiceHttpResults.Refusal(refusal, req.HttpContext) : Results.Json(reply);
        });
    }
}
