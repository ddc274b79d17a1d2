using System.Text.Json;
using DvServerless.Adapters.Minutes;
using DvServerless.Adapters.Storage;
using DvServerless.Core.Calls;
using DvServerless.Core.Minutes;
using DvServerless.Core.Records;
using DvServerless.Functions.Endpoints;
using DvServerless.Functions.Hosting;
using Microsoft.Extensions.Options;

using DvServerless.Functions.Tenancy;

namespace DvServerless.Functions.Records;

/// <summary>
/// Functions <c>Minutes</c> (<c>GET /api/calls/{callId}/minutes?format=txt|md|json|srt</c>), <c>ConferenceTranscripts</c>
/// (<c>POST /api/v1/minutes/{confId}/transcripts</c>) and <c>ConferenceMinutes</c> (<c>GET /api/v1/minutes/{confId}?format=…</c>).
/// </summary>
internal static partial class RecordsEndpoints
{
    public const string MinutesRoute = "calls/{callId}/minutes";
    public const string ConferenceTranscriptsRoute = "v1/minutes/{confId}/transcripts";
    public const string ConferenceMinutesRoute = "v1/minutes/{confId}";

    private static readonly JsonSerializerOptions BodyOptions = new(JsonSerializerDefaults.Web);

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet(Api(MinutesRoute), GetMinutesAsync).WithName("Minutes").RequireTenant();
        app.MapPost(Api(ConferenceTranscriptsRoute), SubmitTranscriptsAsync).WithName("ConferenceTranscripts").RequireTenant();
        app.MapGet(Api(ConferenceMinutesRoute), GetConferenceMinutesAsync).WithName("ConferenceMinutes").RequireTenant();
    }

    private static string Api(string route) => "/" + FunctionRoutes.Prefix + "/" + route;

    private static async Task<IResult> GetMinutesAsync(
        string callId, string? format, HttpContext context, CallMinutesQuery query, ITenantContext tenant, IOptions<MinutesOptions> options, CancellationToken cancellationToken)
    {
        if (!TryFormat(format, out var parsed, out var refusal))
        {
            return refusal;
        }

        var result = await query.GetAsync(tenant.Caller, callId, parsed, cancellationToken);
        if (result.CrossTenantAttempt)
        {
            tenant.ReportCrossTenantAttempt();
        }

        return result.Outcome switch
        {
            CallMinutesOutcome.Found => Results.File(result.File!.Content, result.File.ContentType, result.FileName),
            CallMinutesOutcome.InvalidCallId => Error(StatusCodes.Status400BadRequest, "invalid_call_id", "The call id is not valid."),
            _ => NotReady(context, options.Value, "The minutes of this call are not ready: they are rendered when the call ends."),
        };
    }

    private static async Task<IResult> SubmitTranscriptsAsync(
        string confId, HttpContext context, ConferenceService conferences, ITenantContext tenant, IOptions<FunctionsOptions> functions, CancellationToken cancellationToken)
    {
        if (!BlobConferenceStore.IsValidId(confId))
        {
            return Error(StatusCodes.Status400BadRequest, "invalid_conference_id", "A conference id is 1–100 ASCII letters, digits, '-' or '_'.");
        }

        var max = functions.Value.MaxRequestBodyBytes;
        var body = await RequestBodyReader.ReadAsync(context.Request, max, cancellationToken);
        if (body is null)
        {
            return Error(StatusCodes.Status413PayloadTooLarge, "payload_too_large", $"The request body is larger than {max} bytes.");
        }

        ConferenceTranscriptSubmission? submission;
        try
        {
            submission = body.ToObjectFromJson<ConferenceTranscriptSubmission>(BodyOptions);
        }
        catch (JsonException e)
        {
            return Error(StatusCodes.Status400BadRequest, "invalid_json", "The body is not valid JSON: " + e.Message);
        }

        var result = await conferences.SubmitAsync(RequestTenant.Of(context), confId, submission, cancellationToken);
        if (result.CrossTenantAttempt)
        {
            tenant.ReportCrossTenantAttempt();
        }

        return result.Outcome switch
        {
            ConferenceSubmitOutcome.Accepted => Results.Json(new { conferenceId = confId, accepted = result.Accepted, callIds = result.CallIds }, statusCode: StatusCodes.Status202Accepted),
            ConferenceSubmitOutcome.InvalidConferenceId => Error(StatusCodes.Status400BadRequest, "invalid_conference_id", result.Errors[0]),
            ConferenceSubmitOutcome.ForeignCallIds => Results.Json(new { error = "foreign_call_ids", message = string.Join(" ", result.Errors), errors = result.Errors }, statusCode: StatusCodes.Status403Forbidden),
            ConferenceSubmitOutcome.LimitExceeded => Error(StatusCodes.Status413PayloadTooLarge, "conference_limit", result.Errors[0]),
            _ => Results.Json(new { error = "invalid_segments", message = string.Join(" ", result.Errors), errors = result.Errors }, statusCode: StatusCodes.Status400BadRequest),
        };
    }

    private static async Task<IResult> GetConferenceMinutesAsync(
        string confId, string? format, HttpContext context, ConferenceService conferences, IOptions<MinutesOptions> options, CancellationToken cancellationToken)
    {
        if (!TryFormat(format, out var parsed, out var refusal))
        {
            return refusal;
        }

        var result = await conferences.GetMinutesAsync(RequestTenant.Of(context), confId, parsed, cancellationToken);
        return result.Outcome switch
        {
            ConferenceMinutesOutcome.Found => Results.Text(result.Content!, result.ContentType),
            ConferenceMinutesOutcome.InvalidConferenceId => Error(StatusCodes.Status400BadRequest, "invalid_conference_id", "A conference id is 1–100 ASCII letters, digits, '-' or '_'."),
            _ => NotReady(context, options.Value, "No transcripts of this conference yet."),
        };
    }

    private static bool TryFormat(string? format, out MinutesFormat parsed, out IResult refusal)
    {
        refusal = Results.Empty;
        if (MinutesRenderer.TryParseFormat(string.IsNullOrEmpty(format) ? "txt" : format, out parsed))
        {
            return true;
        }

        refusal = Error(StatusCodes.Status400BadRequest, "unknown_format", "format must be one of txt, md, json, srt.");
        return false;
    }

    private static IResult NotReady(HttpContext context, MinutesOptions options, string message)
    {
        context.Response.Headers.RetryAfter = options.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Error(StatusCodes.Status404NotFound, "minutes_not_ready", message);
    }

    private static IResult Error(int status, string code, string message) =>
        Results.Json(new ErrorResults.ErrorBody(code, message), statusCode: status);
}
