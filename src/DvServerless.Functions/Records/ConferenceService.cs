using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using DvServerless.Core.Calls;
using DvServerless.Core.Minutes;
using DvServerless.Core.Records;
using DvServerless.Functions.Tenants;
using Microsoft.Extensions.Options;

namespace DvServerless.Functions.Records;

/// <summary>
/// The decisions behind the conference routes. Conferences belong to one tenant (their names are per tenant); every
/// call a conference links must be a session of that tenant — checked when linked and again when the minutes are
/// rendered. Per-conference limits (<see cref="ConferenceOptions"/>) bound what one tenant can make us store, and the
/// rendered minutes are cached until something they are made of changes, so a GET does not re-run the summarizer.
/// </summary>
public sealed partial class ConferenceService
{
    private static readonly MinutesFormat[] AllFormats = [MinutesFormat.Txt, MinutesFormat.Md, MinutesFormat.Srt, MinutesFormat.Json];

    private readonly BlobConferenceStore _conferences;
    private readonly ICallSessionStore _sessions;
    private readonly ICallRecordSink _records;
    private readonly IMinutesSummarizer _summarizer;
    private readonly ConferenceOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<ConferenceService> _logger;

    /// <summary>Creates the service.</summary>
    public ConferenceService(
        BlobConferenceStore conferences, ICallSessionStore sessions, ICallRecordSink records, IMinutesSummarizer summarizer,
        IOptions<ConferenceOptions> options, TimeProvider time, ILogger<ConferenceService> logger)
    {
        _conferences = conferences;
        _sessions = sessions;
        _records = records;
        _summarizer = summarizer;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    /// <summary>
    /// Stores external transcript <paramref name="submission"/> for conference <paramref name="conferenceId"/> of
    /// <paramref name="tenantId"/> and links its calls. Nothing is stored unless every check passes.
    /// </summary>
    public async Task<ConferenceSubmitResult> SubmitAsync(string tenantId, string conferenceId, ConferenceTranscriptSubmission? submission, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        if (!BlobConferenceStore.IsValidId(conferenceId))
        {
            return new ConferenceSubmitResult(ConferenceSubmitOutcome.InvalidConferenceId, ["A conference id is 1–100 ASCII letters, digits, '-' or '_'."]);
        }

        var errors = ConferenceTranscriptValidator.Validate(submission);
        if (errors.Count > 0)
        {
            return new ConferenceSubmitResult(ConferenceSubmitOutcome.InvalidSegments, errors);
        }

        var callIds = (submission!.CallIds ?? []).Distinct(StringComparer.Ordinal).ToArray();
        var foreign = new List<string>();
        var crossTenant = false;
        foreach (var callId in callIds)
        {
            var owner = (await _sessions.GetAsync(callId, cancellationToken).ConfigureAwait(false))?.TenantId;
            if (!string.Equals(owner, tenantId, StringComparison.Ordinal))
            {
                // Unknown and foreign look alike, so a tenant cannot probe other tenants' call ids through this route.
                foreign.Add(callId);
                crossTenant |= owner is not null;
            }
        }

        if (foreign.Count > 0)
        {
            LogForeignCallIds(tenantId, conferenceId, foreign.Count);
            return new ConferenceSubmitResult(
                ConferenceSubmitOutcome.ForeignCallIds,
                foreign.Select(id => $"\"{id}\" in callIds is not a call of your tenant.").ToArray(),
                CrossTenantAttempt: crossTenant);
        }

        var segments = submission.Segments!;
        var bytes = segments.Sum(s => (long)Encoding.UTF8.GetByteCount(s.Speaker!) + Encoding.UTF8.GetByteCount(s.Text!));
        var update = await _conferences.UpdateAsync(tenantId, conferenceId, callIds, segments.Count, bytes, _options, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        if (update.Manifest is null)
        {
            return new ConferenceSubmitResult(ConferenceSubmitOutcome.LimitExceeded, [update.LimitExceeded!]);
        }

        // Appended as one call record: the same append-blob guarantees, and the minutes builder merges it like a call.
        var recordId = BlobConferenceStore.ExternalRecordId(tenantId, conferenceId);
        foreach (var segment in segments)
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
            }, cancellationToken).ConfigureAwait(false);
        }

        return new ConferenceSubmitResult(ConferenceSubmitOutcome.Accepted, [], segments.Count, update.Manifest.CallIds);
    }

    /// <summary>Links the ended call <paramref name="session"/> to the conference its metadata names (a call of the same tenant, by construction).</summary>
    public async Task JoinOnCallEndAsync(CallSession session, string conferenceId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        var tenant = session.TenantId ?? RequestTenant.Default;
        var update = await _conferences.UpdateAsync(tenant, conferenceId, [session.CallId], 0, 0, _options, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        if (update.Manifest is null)
        {
            LogJoinRefused(session.CallId, conferenceId, update.LimitExceeded!);
        }
    }

    /// <summary>
    /// The minutes of conference <paramref name="conferenceId"/> of <paramref name="tenantId"/>: its calls that are
    /// sessions of the tenant (others are skipped) and its external segments, merged in time order. Served from the
    /// cache while nothing they are made of changed.
    /// </summary>
    public async Task<ConferenceMinutesResult> GetMinutesAsync(string tenantId, string conferenceId, MinutesFormat format, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        if (!BlobConferenceStore.IsValidId(conferenceId))
        {
            return new ConferenceMinutesResult(ConferenceMinutesOutcome.InvalidConferenceId);
        }

        var manifest = await _conferences.GetAsync(tenantId, conferenceId, cancellationToken).ConfigureAwait(false);
        if (manifest is null)
        {
            return new ConferenceMinutesResult(ConferenceMinutesOutcome.NotReady);
        }

        var calls = new List<(MinutesCallInfo, IReadOnlyList<CallRecordEntry>)>();
        var fingerprint = new StringBuilder().Append(CultureInfo.InvariantCulture, $"r{manifest.Revision}");
        foreach (var callId in manifest.CallIds)
        {
            var session = await _sessions.GetAsync(callId, cancellationToken).ConfigureAwait(false);
            if (session is null || !string.Equals(session.TenantId ?? RequestTenant.Default, tenantId, StringComparison.Ordinal))
            {
                // Linked before the checks existed, or the session is gone: never merge what the tenant cannot prove is its own.
                LogSkippedCall(conferenceId, callId);
                continue;
            }

            var entries = await _records.ReadAsync(callId, cancellationToken).ConfigureAwait(false);
            calls.Add((CallMinutesInfo.Of(session), entries));
            Stamp(fingerprint, callId, entries);
        }

        var externalId = BlobConferenceStore.ExternalRecordId(tenantId, conferenceId);
        var external = await _records.ReadAsync(externalId, cancellationToken).ConfigureAwait(false);
        if (external.Count > 0)
        {
            calls.Add((new MinutesCallInfo(externalId, tenantId), external));
        }

        Stamp(fingerprint, externalId, external);
        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(fingerprint.ToString())));
        var extension = MinutesRenderer.ExtensionOf(format);
        var cached = await _conferences.ReadRenderedAsync(tenantId, conferenceId, extension, key, cancellationToken).ConfigureAwait(false);
        if (cached is not null)
        {
            return new ConferenceMinutesResult(ConferenceMinutesOutcome.Found, cached, MinutesRenderer.ContentTypeOf(format));
        }

        var document = MinutesBuilder.BuildConference(conferenceId, tenantId, calls);
        document = await SummarizeWithinLimitAsync(document, cancellationToken).ConfigureAwait(false);
        string? requested = null;
        foreach (var each in AllFormats)
        {
            var rendered = MinutesRenderer.Render(document, each);
            await _conferences.WriteRenderedAsync(tenantId, conferenceId, MinutesRenderer.ExtensionOf(each), rendered, MinutesRenderer.ContentTypeOf(each), key, cancellationToken).ConfigureAwait(false);
            requested = each == format ? rendered : requested;
        }

        LogRendered(conferenceId, document.Lines.Count);
        return new ConferenceMinutesResult(ConferenceMinutesOutcome.Found, requested ?? MinutesRenderer.Render(document, format), MinutesRenderer.ContentTypeOf(format));
    }

    /// <summary>
    /// Summarizes at most <see cref="ConferenceOptions.MaxSummaryInputChars"/> characters of dialogue (the first lines):
    /// a tenant decides how long a conference is, not how much we send to the language model.
    /// </summary>
    private async Task<MinutesDocument> SummarizeWithinLimitAsync(MinutesDocument document, CancellationToken cancellationToken)
    {
        var budget = (long)_options.MaxSummaryInputChars;
        var kept = new List<MinutesLine>();
        foreach (var line in document.Lines)
        {
            budget -= line.Speaker.Length + line.Text.Length + 3;
            if (budget < 0)
            {
                break;
            }

            kept.Add(line);
        }

        if (kept.Count == document.Lines.Count)
        {
            return await _summarizer.SummarizeAsync(document, cancellationToken).ConfigureAwait(false);
        }

        LogSummaryInputCapped(document.CallId, kept.Count, document.Lines.Count);
        var summarized = await _summarizer.SummarizeAsync(document with { Lines = kept }, cancellationToken).ConfigureAwait(false);
        return document with { Summary = summarized.Summary, NoSummaryReason = summarized.NoSummaryReason };
    }

    private static void Stamp(StringBuilder fingerprint, string recordId, IReadOnlyList<CallRecordEntry> entries) =>
        fingerprint.Append(CultureInfo.InvariantCulture, $"|{recordId}:{entries.Count}:{(entries.Count > 0 ? entries[^1].At.UtcTicks : 0)}");

    [LoggerMessage(EventId = 5121, Level = LogLevel.Warning, Message = "Conference {ConferenceId} of tenant {TenantId}: {Count} call ids are not calls of the tenant; submission refused.")]
    private partial void LogForeignCallIds(string tenantId, string conferenceId, int count);

    [LoggerMessage(EventId = 5122, Level = LogLevel.Warning, Message = "Conference {ConferenceId}: call {CallId} is not a session of the conference's tenant; left out of the minutes.")]
    private partial void LogSkippedCall(string conferenceId, string callId);

    [LoggerMessage(EventId = 5123, Level = LogLevel.Information, Message = "Conference {ConferenceId} minutes rendered ({Lines} lines).")]
    private partial void LogRendered(string conferenceId, int lines);

    [LoggerMessage(EventId = 5124, Level = LogLevel.Information, Message = "Conference {ConferenceId}: the summary covers the first {Kept} of {Lines} lines (summarizer input limit).")]
    private partial void LogSummaryInputCapped(string conferenceId, int kept, int lines);

    [LoggerMessage(EventId = 5125, Level = LogLevel.Warning, Message = "Call {CallId} not linked to conference {ConferenceId}: {Reason}")]
    private partial void LogJoinRefused(string callId, string conferenceId, string reason);
}
