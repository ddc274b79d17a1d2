using System.Text.Json;
using DvServerless.Functions.Hosting.OpenApi;
using DvServerless.Functions.Hosting;
using DvServerless.Functions.Http;
using DvServerless.Functions.Records;
using DvServerless.Functions.Tenants;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace DvServerless.Functions.Minutes;

/// <summary>
/// Function <c>ConferenceTranscripts</c>: <c>POST /api/v1/minutes/{confId}/transcripts</c>, segments from outside the
/// gateway (another leg, another recorder) merged into a conference's minutes.
/// </summary>
public sealed class ConferenceTranscriptsFunction
{
    /// <summary>The route below <c>/api</c>.</summary>
    public const string Route = "v1/minutes/{confId}/transcripts";

    private static readonly JsonSerializerOptions BodyOptions = new(JsonSerializerDefaults.Web);

    private readonly TenantApiAuthorization _authorization;
    private readonly ConferenceService _conferences;
    private readonly ITenantContext _tenant;
    private readonly FunctionsOptions _functions;

    /// <summary>Creates the function.</summary>
    public ConferenceTranscriptsFunction(TenantApiAuthorization authorization, ConferenceService conferences, ITenantContext tenant, IOptions<FunctionsOptions> functions)
    {
        _authorization = authorization;
        _conferences = conferences;
        _tenant = tenant;
        _functions = functions.Value;
    }

    /// <summary>The answer to accepted segments.</summary>
    /// <param name="ConferenceId">The conference.</param>
    /// <param name="Accepted">How many segments were stored.</param>
    /// <param name="CallIds">The conference's calls now.</param>
    public sealed record ConferenceSubmitted(string ConferenceId, int Accepted, IReadOnlyList<string> CallIds);

    /// <summary>Accepts the segments (202).</summary>
    [Tags("Minutes")]
    [EndpointSummary("Adds segments recorded outside the gateway (and calls) to a conference.")]
    [OpenApiRequestBody(typeof(ConferenceTranscriptSubmission))]
    [ProducesResponseType(StatusCodes.Status202Accepted)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status400BadRequest)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status401Unauthorized)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status404NotFound)]
    [ProducesResponseType<ErrorBody>(StatusCodes.Status413PayloadTooLarge)]
    [Function("ConferenceTranscripts")]
    public Task<IResult> RunAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Route)] HttpRequest req, string confId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(req);
        return _authorization.RunAsync(req, async _ =>
        {
            if (!BlobConferenceStore.IsValidId(confId))
            {
                return ErrorResults.BadRequest("invalid_conference_id", "A conference id is 1–100 ASCII letters, digits, '-' or '_'.");
            }

            var max = _functions.MaxRequestBodyBytes;
            var body = await RequestBodyReader.ReadAsync(req, max, cancellationToken);
            if (body is null)
            {
                return ErrorResults.TooLarge(max);
            }

            ConferenceTranscriptSubmission? submission;
            try
            {
                submission = body.ToObjectFromJson<ConferenceTranscriptSubmission>(BodyOptions);
            }
            catch (JsonException e)
            {
                return ErrorResults.BadRequest("invalid_json", "The body is not valid JSON: " + e.Message);
            }

            var result = await _conferences.SubmitAsync(RequestTenant.Of(req.HttpContext), confId, submission, cancellationToken);
            if (result.CrossTenantAttempt)
            {
                _tenant.ReportCrossTenantAttempt();
            }

            return result.Outcome switch
            {
                ConferenceSubmitOutcome.Accepted => Results.Json(new ConferenceSubmitted(confId, result.Accepted, result.CallIds ?? []), statusCode: StatusCodes.Status202Accepted),
                ConferenceSubmitOutcome.InvalidConferenceId => ErrorResults.BadRequest("invalid_conference_id", result.Errors[0]),
                ConferenceSubmitOutcome.ForeignCallIds => ErrorResults.Error(StatusCodes.Status403Forbidden, "foreign_call_ids", string.Join(" ", result.Errors), Details("foreign_call_id", result.Errors)),
                ConferenceSubmitOutcome.LimitExceeded => ErrorResults.Error(StatusCodes.Status413PayloadTooLarge, "conference_limit", result.Errors[0]),
                _ => ErrorResults.Error(StatusCodes.Status400BadRequest, "invalid_segments", string.Join(" ", result.Errors), Details("invalid_segment", result.Errors)),
            };
        });
    }

    private static List<ErrorDetail> Details(string code, IEnumerable<string> messages) => messages.Select(m => new ErrorDetail(code, m)).ToList();
}
