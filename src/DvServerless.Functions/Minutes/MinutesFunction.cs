using DvServerless.Functions.Hosting.OpenApi;
using DvServerless.Functions.Http;
using DvServerless.Functions.Records;
using DvServerless.Functions.Tenants;
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
    private readonly CallMinutesQuery _query;
    private readonly ITenantContext _tenant;
    private readonly MinutesOptions _options;

    /// <summary>Creates the function.</summary>
    public MinutesFunction(TenantApiAuthorization authorization, CallMinutesQuery query, ITenantContext tenant, IOptions<MinutesOptions> options)
    {
        _authorization = authorization;
        _query = query;
        _tenant = tenant;
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
        return _authorization.RunAsync(req, async caller =>
        {
            if (MinutesFormats.Read(req, out var refusal) is not { } format)
            {
                return refusal;
            }

            // Another tenant's call, a call with no session (admin only) and an unknown id all answer "not ready".
            var result = await _query.GetAsync(caller, callId, format, cancellationToken);
            if (result.CrossTenantAttempt)
            {
                _tenant.ReportCrossTenantAttempt();
            }

            return result.Outcome switch
            {
                CallMinutesOutcome.Found => Results.File(result.File!.Content, result.File.ContentType, result.FileName),
                CallMinutesOutcome.InvalidCallId => ErrorResults.BadRequest("invalid_call_id", "The call id is not valid."),
                _ => MinutesFormats.NotReady(req, _options.RetryAfterSeconds, "The minutes of this call are not ready: they are rendered when the call ends."),
            };
        });
    }
}
