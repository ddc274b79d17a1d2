using DvServerless.Adapters.Minutes;
using DvServerless.Adapters.Storage;
using DvServerless.Core.Calls;
using DvServerless.Functions.Hosting.OpenApi;
using DvServerless.Functions.Http;
using DvServerless.Functions.Records;
using DvServerless.Functions.Tenancy;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace DvServerless.Functions.Minutes;

/// <summary>Function <c>Minutes</c>: <c>GET /api/calls/{callId}/minutes?format=txt|md|json|srt</c>, the minutes of one call.</summary>
public sealed class MinutesFunction
{
    /// <summary>The route below <c>/api</c>.</summary>
    public const string Route = "calls/{callId}/minutes";

    private readonly TenantApiAuthorization _authorization;
    private readonly MinutesService _minutes;
    private readonly ICallSessionStore _sessions;
    private readonly MinutesOptions _options;

    /// <summary>Creates the function.</summary>
    public MinutesFunction(TenantApiAuthorization authorization, MinutesService minutes, ICallSessionStore sessions, IOptions<MinutesOptions> options)
    {
        _authorization = authorization;
        _minutes = minutes;
        _sessions = sessions;
        _options = options.Value;
    }

    /// <summary>Serves the minutes file.</summary>
    [Tags("Minutes")]
    [EndpointSummary("The minutes of one call, rendered when it ended.")]
    [OpenApiQuery("format", typeof(string), "The file format; default txt.", Values = ["txt", "md", "json", "srt"])]
    [ProducesResponseType(typeof(string), StatusCodes.Status200OK, "text/plain", "text/markdown", "application/json", "application/x-subrip")]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status400BadRequest)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status401Unauthorized)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status404NotFound)]
    [Function("Minutes")]
    public Task<IResult> RunAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Route)] HttpRequest req, string callId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(req);
        return _authorization.RunAsync(req, async _ =>
        {
            if (MinutesFormats.Read(req, out var refusal) is not { } format)
            {
                return refusal;
            }

            if (!CallIdFormat.IsValid(callId))
            {
                return ErrorResults.BadRequest("invalid_call_id", "The call id is not valid.");
            }

            // Another tenant's call answers exactly like an unknown one, so ids cannot be probed.
            var session = await _sessions.GetAsync(callId, cancellationToken);
            if (session is not null && !RequestTenant.MayAccess(req.HttpContext, session.TenantId))
            {
                return ErrorResults.NotFound("No such call.");
            }

            var file = await _minutes.GetAsync(callId, format, cancellationToken);
            if (file is null)
            {
                return MinutesFormats.NotReady(req, _options.RetryAfterSeconds, "The minutes of this call are not ready: they are rendered when the call ends.");
            }

            return Results.File(file.Content, file.ContentType, BlobMinutesStore.Name(callId, format));
        });
    }
}
