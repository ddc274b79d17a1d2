using DvServerless.Functions.Hosting.OpenApi;
using DvServerless.Functions.Http;
using DvServerless.Functions.Tenants;
using DvServerless.Functions.BrowserSessions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace DvServerless.Functions.Realtime;

/// <summary>
/// Function <c>RealtimeCallAttach</c>: <c>POST /api/v1/realtime/calls/{callId}/attach</c>: after its own WebRTC SDP
/// exchange with OpenAI, the page reports the call id; the gateway records the session and attaches its sideband (202).
/// </summary>
public sealed class RealtimeCallAttachFunction
{
    /// <summary>The route below <c>/api</c>.</summary>
    public const string Route = "v1/realtime/calls/{callId}/attach";

    private readonly TenantApiAuthorization _authorization;
    private readonly BrowserSessionService _sessions;

    /// <summary>Creates the function.</summary>
    public RealtimeCallAttachFunction(TenantApiAuthorization authorization, BrowserSessionService sessions)
    {
        _authorization = authorization;
        _sessions = sessions;
    }

    /// <summary>Runs the request for its authenticated caller.</summary>
    [Tags("Realtime")]
    [EndpointSummary("Records a WebRTC call the page set up with OpenAI as a browser session and attaches the gateway's sideband to it.")]
    [ProducesResponseType<VoiceReply<VoiceRoomData>>(StatusCodes.Status202Accepted)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status400BadRequest)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status401Unauthorized)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status403Forbidden)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status409Conflict)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status429TooManyRequests)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status502BadGateway)]
    [Function("RealtimeCallAttach")]
    public Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Route)] HttpRequest req, string callId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(req);
        return _authorization.RunAsync(req, async caller =>
            VoiceHttpResults.Room(await _sessions.AttachWebRtcAsync(caller, callId, cancellationToken), req.HttpContext, StatusCodes.Status202Accepted));
    }
}
