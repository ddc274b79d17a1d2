using DvServerless.Adapters.Minutes;
using DvServerless.Core.Calls;
using DvServerless.Core.Minutes;
using DvServerless.Core.Records;
using DvServerless.Functions.Hosting.OpenApi;
using DvServerless.Functions.Http;
using DvServerless.Functions.Records;
using DvServerless.Functions.Tenancy;
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
    private readonly BlobConferenceStore _conferences;
    private readonly ICallSessionStore _sessions;
    private readonly ICallRecordSink _records;
    private readonly IMinutesSummarizer _summarizer;
    private readonly MinutesOptions _options;

    /// <summary>Creates the function.</summary>
    public ConferenceMinutesFunction(TenantApiAuthorization authorization, BlobConferenceStore conferences, ICallSessionStore sessions,
        ICallRecordSink records, IMinutesSummarizer summarizer, IOptions<MinutesOptions> options)
    {
        _authorization = authorization;
        _conferences = conferences;
        _sessions = sessions;
        _records = records;
        _summarizer = summarizer;
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

            var manifest = await _conferences.GetAsync(confId, cancellationToken);
            if (manifest is null || !RequestTenant.MayAccess(req.HttpContext, manifest.TenantId))
            {
                return MinutesFormats.NotReady(req, _options.RetryAfterSeconds, "No transcripts of this conference yet.");
            }

            // Rendered on request: segments may keep arriving while the conference goes on.
            var calls = new List<(MinutesCallInfo, IReadOnlyList<CallRecordEntry>)>();
            foreach (var callId in manifest.CallIds)
            {
                var session = await _sessions.GetAsync(callId, cancellationToken);
                var info = session is null ? new MinutesCallInfo(callId, manifest.TenantId) : CallMinutesInfo.Of(session);
                calls.Add((info, await _records.ReadAsync(callId, cancellationToken)));
            }

            var externalId = BlobConferenceStore.ExternalRecordId(confId);
            var external = await _records.ReadAsync(externalId, cancellationToken);
            if (external.Count > 0)
            {
                calls.Add((new MinutesCallInfo(externalId, manifest.TenantId), external));
            }

            var document = MinutesBuilder.BuildConference(confId, manifest.TenantId, calls);
            document = await _summarizer.SummarizeAsync(document, cancellationToken);
            return Results.Text(MinutesRenderer.Render(document, format), MinutesRenderer.ContentTypeOf(format));
        });
    }
}
