using System.Text.Json;
using DvServerless.Core.Records;
using DvServerless.Functions.Hosting.OpenApi;
using DvServerless.Functions.Hosting;
using DvServerless.Functions.Http;
using DvServerless.Functions.Records;
using DvServerless.Functions.Tenancy;
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
    private readonly BlobConferenceStore _conferences;
    private readonly ICallRecordSink _records;
    private readonly FunctionsOptions _functions;
    private readonly TimeProvider _time;

    /// <summary>Creates the function.</summary>
    public ConferenceTranscriptsFunction(TenantApiAuthorization authorization, BlobConferenceStore conferences, ICallRecordSink records,
        IOptions<FunctionsOptions> functions, TimeProvider time)
    {
        _authorization = authorization;
        _conferences = conferences;
        _records = records;
        _functions = functions.Value;
        _time = time;
    }

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

            var errors = ConferenceTranscriptValidator.Validate(submission);
            if (errors.Count > 0)
            {
                return Results.Json(new { error = "invalid_segments", message = string.Join(" ", errors), errors }, statusCode: StatusCodes.Status400BadRequest);
            }

            var tenant = RequestTenant.Of(req.HttpContext);
            var manifest = await _conferences.JoinAsync(confId, tenant, submission!.CallIds ?? [], _time.GetUtcNow(), cancellationToken);
            if (manifest is null)
            {
                return ErrorResults.NotFound("No such conference.");
            }

            // Appended as one call record: the same append-blob guarantees, and the minutes builder merges it like a call.
            var recordId = BlobConferenceStore.ExternalRecordId(confId);
            foreach (var segment in submission.Segments!)
            {
                var start = segment.StartMs!.Value;
                var end = segment.EndMs ?? start;
                await _records.AppendAsync(recordId, new CallRecordEntry
                {
                    Kind = "turn",
                    Speaker = segment.Speaker!.Trim(),
                    Text = segment.Text!.Trim(),
                    StartMs = start,
                    EndMs = end,
                    Language = segment.Language,
                    Confidence = segment.Confidence,
                    Sentiment = segment.Sentiment,
                    Engine = submission.Source ?? "external",
                    // At − EndMs is the segments' zero (what the minutes builder aligns by); unknown zero → aligned with the first call.
                    At = submission.StartedAt is { } zero ? zero + TimeSpan.FromMilliseconds(end) : default,
                }, cancellationToken);
            }

            return Results.Json(new { conferenceId = confId, accepted = submission.Segments.Count, callIds = manifest.CallIds }, statusCode: StatusCodes.Status202Accepted);
        });
    }
}
