using DvServerless.Functions.CallCommands;
using DvServerless.Functions.Hosting.OpenApi;
using DvServerless.Functions.Http;
using DvServerless.Functions.Tenants;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace DvServerless.Functions.BrowserSessions;

/// <summary>Function <c>VoiceStop</c>: <c>POST /api/v1/voice/stop</c>: Ends a live browser session.</summary>
public sealed class VoiceStopFunction
{
    /// <summary>The route below <c>/api</c>.</summary>
    public const string Route = "v1/voice/stop";

    private readonly TenantApiAuthorization _authorization;
    private readonly BrowserSessionService _sessions;

    /// <summary>Creates the function.</summary>
    public VoiceStopFunction(TenantApiAuthorization authorization, BrowserSessionService sessions)
    {
        _authorization = authorization;
        _sessions = sessions;
    }

    /// <summary>Runs the request for its authenticated caller.</summary>
    [Tags("Voice")]
    [EndpointSummary("Ends a live browser session.")]
    [OpenApiRequestBody(typeof(VoiceRoomRequest))]
    [ProducesResponseType<VoiceReply<VoiceRoomData>>(StatusCodes.Status200OK)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status400BadRequest)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status401Unauthorized)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status403Forbidden)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status404NotFound)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status409Conflict)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status502BadGateway)]
    [Function("VoiceStop")]
    public Task<IResult> RunAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Route)] HttpRequest req, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(req);
        return _authorization.RunAsync(req, async _ =>
        {
            var (request, error) = await VoiceRequestBody.ReadAsync<VoiceRoomRequest>(req, null, cancellationToken);
            return error ?? VoiceHttpResults.Room(await _sessions.CommandAsync(request!.RoomName, CallCommandKind.Stop, request.Enabled, cancellationToken), req.HttpContext);
        });
    }
}
