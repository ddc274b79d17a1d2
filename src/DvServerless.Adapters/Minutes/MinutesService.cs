using DvServerless.Adapters.Storage;
using DvServerless.Core.Minutes;
using DvServerless.Core.Records;
using Microsoft.Extensions.Logging;

namespace DvServerless.Adapters.Minutes;

/// <summary>
/// Renders a call's minutes once when the call ends — however many end events arrive (CallDisconnected, SIP hang-up,
/// worker end, redeliveries) — and serves the files. The claim marker and <c>If-None-Match: *</c> writes make the
/// rendering idempotent across instances.
/// </summary>
public sealed partial class MinutesService
{
    /// <summary>A claim older than this whose minutes never appeared is taken over (the renderer died).</summary>
    public static readonly TimeSpan ClaimTimeout = TimeSpan.FromMinutes(5);

    private readonly ICallRecordSink _records;
    private readonly BlobMinutesStore _store;
    private readonly IMinutesSummarizer _summarizer;
    private readonly TimeProvider _time;
    private readonly ILogger<MinutesService> _logger;

    /// <summary>Creates the service.</summary>
    public MinutesService(ICallRecordSink records, BlobMinutesStore store, IMinutesSummarizer summarizer, TimeProvider time, ILogger<MinutesService> logger)
    {
        _records = records;
        _store = store;
        _summarizer = summarizer;
        _time = time;
        _logger = logger;
    }

    /// <summary>Renders the minutes of one ended call unless they are already rendered or being rendered.</summary>
    public async Task<MinutesRenderOutcome> RenderOnceAsync(MinutesCallInfo call, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(call);
        if (!await _store.TryClaimAsync(call.CallId, _time.GetUtcNow(), ClaimTimeout, cancellationToken).ConfigureAwait(false))
        {
            LogAlreadyRendered(call.CallId);
            return MinutesRenderOutcome.AlreadyRendered;
        }

        var entries = await _records.ReadAsync(call.CallId, cancellationToken).ConfigureAwait(false);
        await WriteAsync(MinutesBuilder.Build(call, entries), cancellationToken).ConfigureAwait(false);
        return MinutesRenderOutcome.Rendered;
    }

    /// <summary>Renders the merged minutes of a conference (its calls' transcripts in time order) once, under the conference id.</summary>
    public async Task<MinutesRenderOutcome> RenderConferenceOnceAsync(string conferenceId, string? tenantId, IReadOnlyList<MinutesCallInfo> calls, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(calls);
        if (!await _store.TryClaimAsync(conferenceId, _time.GetUtcNow(), ClaimTimeout, cancellationToken).ConfigureAwait(false))
        {
            LogAlreadyRendered(conferenceId);
            return MinutesRenderOutcome.AlreadyRendered;
        }

        var legs = new List<(MinutesCallInfo, IReadOnlyList<CallRecordEntry>)>();
        foreach (var call in calls)
        {
            legs.Add((call, await _records.ReadAsync(call.CallId, cancellationToken).ConfigureAwait(false)));
        }

        await WriteAsync(MinutesBuilder.BuildConference(conferenceId, tenantId, legs), cancellationToken).ConfigureAwait(false);
        return MinutesRenderOutcome.Rendered;
    }

    /// <summary>
    /// Reads a rendered file, or null while the minutes are not ready (answer 404 with Retry-After). The formats are written
    /// one after another, JSON last: until the JSON is there another format is not served either, so a client that got
    /// one format never meets a 404 for the next.
    /// </summary>
    public async Task<MinutesFile?> GetAsync(string callId, MinutesFormat format, CancellationToken cancellationToken = default)
    {
        // Asked first, so a set still being written costs one small request, not a download that is then thrown away.
        if (format != MinutesFormat.Json && !await _store.ExistsAsync(callId, MinutesFormat.Json, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return await _store.ReadAsync(callId, format, cancellationToken).ConfigureAwait(false);
    }

    private async Task WriteAsync(MinutesDocument document, CancellationToken cancellationToken)
    {
        document = await _summarizer.SummarizeAsync(document, cancellationToken).ConfigureAwait(false);
        // JSON last: its presence means "all four are written" to a renderer checking whether a stale claim finished.
        foreach (var format in new[] { MinutesFormat.Txt, MinutesFormat.Md, MinutesFormat.Srt, MinutesFormat.Json })
        {
            await _store.WriteAsync(document.CallId, format, MinutesRenderer.Render(document, format), document.TenantId, cancellationToken).ConfigureAwait(false);
        }

        LogRendered(document.CallId, document.Lines.Count);
    }

    [LoggerMessage(EventId = 5102, Level = LogLevel.Information, Message = "Minutes of {CallId} rendered ({Lines} lines).")]
    private partial void LogRendered(string callId, int lines);

    [LoggerMessage(EventId = 5103, Level = LogLevel.Debug, Message = "Minutes of {CallId} already rendered or being rendered; end event ignored.")]
    private partial void LogAlreadyRendered(string callId);
}
