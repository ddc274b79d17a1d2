using DvServerless.Core.Calls;
using DvServerless.Functions.Hosting.OpenApi;
using DvServerless.Functions.Http;
using DvServerless.Functions.Tenants;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace DvServerless.Functions.BrowserSessions;

/// <summary>Function <c>VoiceStart</c>: <c>POST /api/v1/voice/start</c>: starts a browser session and answers how the page connects to it.</summary>
public sealed class VoiceStartFunction
{
    /// <summary>The route below <c>/api</c>.</summary>
    public const string Route = "v1/voice/start";

    private readonly TenantApiAuthorization _authorization;
    private readonly BrowserSessionService _sessions;

    /// <summary>Creates the function.</summary>
    public VoiceStartFunction(TenantApiAuthorization authorization, BrowserSessionService sessions)
    {
        _authorization = authorization;
        _sessions = sessions;
    }

    /// <summary>Runs the request for its authenticated caller.</summary>
    [Tags("Voice")]
    [EndpointSummary("Starts a browser voice session: the page connects to rtc_info.params.url with ?token=<token> (single use, short-lived).")]
    [OpenApiRequestBody(typeof(VoiceStartRequest))]
    [ProducesResponseType<VoiceReply<VoiceStartData>>(StatusCodes.Status200OK)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status400BadRequest)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status401Unauthorized)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status413PayloadTooLarge)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status429TooManyRequests)]
    [Function("VoiceStart")]
    public Task<IResult> RunAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Route)] HttpRequest req, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(req);
        return _authorization.RunAsync(req, async caller =>
        {
            var (request, error) = await VoiceRequestBody.ReadAsync(req, new VoiceStartRequest(), cancellationToken);
            if (error is not null)
            {
                return error;
            }

            var result = await _sessions.StartAsync(caller, request!, cancellationToken);
            if (result.Outcome != VoiceOutcome.Ok)
            {
                return VoiceHttpResults.Refusal(result, req.HttpContext);
            }

            var session = result.Session!;
            var userName = session.Metadata[BrowserSessionMetadata.UserName];
            var data = new VoiceStartData(session.CallId, userName,
                new VoiceRtcInfo("dvserverless", userName, new VoiceRtcParams(session.TenantId, result.MediaToken!, result.MediaUrl!)));
            return Results.Json(new VoiceReply<VoiceStartData>(0, data));
        });
    }
}
