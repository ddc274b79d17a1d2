using DvServerless.Functions.Hosting.OpenApi;
using DvServerless.Functions.Http;
using DvServerless.Functions.Records;
using DvServerless.Functions.Tenants;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace DvServerless.Functions.Minutes;

/// <summary>Function <c>ConferenceMinutes</c>: <c>GET /api/v1/minutes/{confId}?format=txt|md|json|srt</c>, a conference's merged minutes.</summary>
public sealed class ConferenceMinutesFunction
{
    /// <summary>The route below <c>/api</c>.</summary>
    public const string Route = "v1/minutes/{confId}";

    private readonly TenantApiAuthorization _authorization;
    private readonly ConferenceService _conferences;
    private readonly MinutesOptions _options;

    /// <summary>Creates the function.</summary>
    public ConferenceMinutesFunction(TenantApiAuthorization authorization, ConferenceService conferences, IOptions<MinutesOptions> options)
    {
        _authorization = authorization;
        _conferences = conferences;
        _options = options.Value;
    }

    /// <summary>Renders the conference's minutes.</summary>
    [Tags("Minutes")]
    [EndpointSummary("The merged minutes of a conference's calls and outside segments.")]
    [OpenApiQuery("format", typeof(string), "The file format; default txt.", Values = ["txt", "md", "json", "srt"])]
    [ProducesResponseType(typeof(string), StatusCodes.Status200OK, "text/plain", "text/markdown", "application/json", "application/x-subrip")]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status400BadRequest)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status401Unauthorized)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status404NotFound)]
    [Function("ConferenceMinutes")]
    public Task<IResult> RunAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Route)] HttpRequest req, string confId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(req);
        return _authorization.RunAsync(req, async _ =>
        {
            if (MinutesFormats.Read(req, out var refusal) is not { } format)
            {
                return refusal;
            }

            var result = await _conferences.GetMinutesAsync(RequestTenant.Of(req.HttpContext), confId, format, cancellationToken);
            return result.Outcome switch
            {
                ConferenceMinutesOutcome.Found => Results.Text(result.Content!, result.ContentType),
                ConferenceMinutesOutcome.InvalidConferenceId => ErrorResults.BadRequest("invalid_conference_id", "A conference id is 1–100 ASCII letters, digits, '-' or '_'."),
                _ => MinutesFormats.NotReady(req, _options.RetryAfterSeconds, "No transcripts of this conference yet."),
            };
        });
    }
}
