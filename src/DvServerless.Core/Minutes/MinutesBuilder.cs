using DvServerless.Core.Records;

namespace DvServerless.Core.Minutes;

/// <summary>
/// Builds <see cref="MinutesDocument"/>s from call records (<see cref="CallRecordEntry"/> lines): one call, or several
/// calls of a conference merged in time order.
/// </summary>
/// <remarks>
/// The worker records an interrupted agent turn with the text as generated plus how much audio it produced
/// (<see cref="CallRecordEntry.ReceivedMs"/>) and how much the caller heard (<see cref="CallRecordEntry.AudioEndMs"/>,
/// on the turn or on the item's barge-in entry). The minutes must say only what the caller heard, so the text is cut in
/// the proportion heard/produced, back to a word boundary, and marked.
/// </remarks>
public static class MinutesBuilder
{
    /// <summary>Appended to the text of an interrupted agent turn.</summary>
    public const string InterruptedMarker = "…[interrupted]";

    /// <summary>Builds the minutes of one call from its record entries (oldest first).</summary>
    public static MinutesDocument Build(MinutesCallInfo call, IReadOnlyList<CallRecordEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(entries);
        var lines = Lines(entries, call.CallId, offsetMs: 0);
        var startedAt = call.StartedAt ?? MediaStart(entries);
        return new MinutesDocument
        {
            CallId = call.CallId,
            TenantId = call.TenantId,
            Parties = (call.Parties ?? []).Select(PhoneNumberMask.Apply).ToArray(),
            StartedAt = startedAt,
            Duration = TimeSpan.FromMilliseconds(EndOf(entries)),
            Engine = call.Engine ?? entries.Select(e => e.Engine).FirstOrDefault(e => !string.IsNullOrEmpty(e)),
            CallIds = [call.CallId],
            Lines = lines,
            CallerSentiment = OverallSentiment(lines),
            CostUsd = CostOf(entries),
        };
    }

    /// <summary>
    /// Merges the calls of a conference into one set of minutes, lines in time order. Each call's timestamps are
    /// relative to its own media start, so they are shifted to the earliest start; calls without a known start are
    /// taken to start with the earliest.
    /// </summary>
    public static MinutesDocument BuildConference(string conferenceId, string? tenantId, IReadOnlyList<(MinutesCallInfo Call, IReadOnlyList<CallRecordEntry> Entries)> calls)
    {
        ArgumentNullException.ThrowIfNull(calls);
        var starts = calls.Select(c => c.Call.StartedAt ?? MediaStart(c.Entries)).ToArray();
        var origin = starts.Where(s => s is not null).Select(s => s!.Value).DefaultIfEmpty(DateTimeOffset.MinValue).Min();
        var lines = new List<MinutesLine>();
        long end = 0;
        string? engine = null;
        for (var i = 0; i < calls.Count; i++)
        {
            var (call, entries) = calls[i];
            var offset = starts[i] is { } start && origin != DateTimeOffset.MinValue ? (long)(start - origin).TotalMilliseconds : 0;
            lines.AddRange(Lines(entries, call.CallId, offset));
            end = Math.Max(end, offset + EndOf(entries));
            engine ??= call.Engine ?? entries.Select(e => e.Engine).FirstOrDefault(e => !string.IsNullOrEmpty(e));
        }

        lines = lines.OrderBy(l => l.StartMs).ThenBy(l => l.EndMs).ToList();
        return new MinutesDocument
        {
            CallId = conferenceId,
            TenantId = tenantId,
            Parties = calls.SelectMany(c => c.Call.Parties ?? []).Select(PhoneNumberMask.Apply).Distinct().ToArray(),
            StartedAt = origin == DateTimeOffset.MinValue ? null : origin,
            Duration = TimeSpan.FromMilliseconds(end),
            Engine = engine,
            CallIds = calls.Select(c => c.Call.CallId).ToArray(),
            CostUsd = calls.Select(c => CostOf(c.Entries)).Aggregate((decimal?)null, (sum, cost) => cost is null ? sum : (sum ?? 0) + cost),
            // A stable sort (above) keeps each call's own order for lines starting at the same millisecond.
            Lines = lines,
            CallerSentiment = OverallSentiment(lines),
        };
    }

    /// <summary>
    /// The part of <paramref name="text"/> a listener heard after <paramref name="heardMs"/> of <paramref name="producedMs"/>
    /// milliseconds, cut back to a word boundary (no marker). Returns the whole text when all of it was heard or the
    /// amounts are unknown.
    /// </summary>
    public static string HeardText(string text, long? heardMs, long? producedMs)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (heardMs is not { } heard || producedMs is not { } produced || produced <= 0 || heard >= produced)
        {
            return text;
        }

        if (heard <= 0)
        {
            return string.Empty;
        }

        var cut = (int)Math.Round(text.Length * (double)heard / produced, MidpointRounding.AwayFromZero);
        if (cut >= text.Length)
        {
            return text;
        }

        // Inside a word: go back to the space before it, so no half word is put in the caller's ears. Text with no
        // spaces before the cut (one long word, scripts without spaces) keeps the proportional cut.
        if (!char.IsWhiteSpace(text[cut]))
        {
            var space = text.LastIndexOf(' ', cut);
            if (space > 0)
            {
                cut = space;
            }
        }

        return text[..cut].TrimEnd();
    }

    /// <summary>The cost of one call's record: the last <c>cost</c> entry (a call writes one); null when there is none.</summary>
    private static decimal? CostOf(IReadOnlyList<CallRecordEntry> entries)
    {
        for (var i = entries.Count - 1; i >= 0; i--)
        {
            if (entries[i].Kind == "cost" && entries[i].CostUsd is { } cost)
            {
                return cost;
            }
        }

        return null;
    }

    private static List<MinutesLine> Lines(IReadOnlyList<CallRecordEntry> entries, string callId, long offsetMs)
    {
        // The heard amount may sit on the barge-in entry of the item rather than on the turn.
        var heardByItem = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            if (entry.Kind == "barge-in" && entry.ItemId is { } item && entry.AudioEndMs is { } heard)
            {
                heardByItem[item] = heard;
            }
        }

        var lines = new List<MinutesLine>();
        foreach (var entry in entries)
        {
            if (entry.Kind != "turn" || string.IsNullOrWhiteSpace(entry.Text))
            {
                continue;
            }

            var speaker = string.IsNullOrWhiteSpace(entry.Speaker) ? "unknown" : entry.Speaker;
            var text = entry.Text.Trim();
            var end = entry.EndMs ?? entry.StartMs;
            if (entry.Interrupted)
            {
                int? heard = entry.AudioEndMs
                    ?? (entry.ItemId is { } item && heardByItem.TryGetValue(item, out var h) ? h : (int?)null)
                    ?? entry.SentMs;
                var heardText = HeardText(text, heard, entry.ReceivedMs);
                text = heardText.Length == 0 ? InterruptedMarker : heardText + InterruptedMarker;
                if (heard is { } ms)
                {
                    end = Math.Min(end, entry.StartMs + ms);
                }
            }

            lines.Add(new MinutesLine(speaker, entry.StartMs + offsetMs, Math.Max(end, entry.StartMs) + offsetMs, text, entry.Interrupted, callId,
                entry.Sentiment, entry.SentimentScore));
        }

        // OrderBy is stable: turns recorded at the same millisecond keep their recorded order.
        return lines.OrderBy(l => l.StartMs).ToList();
    }

    /// <summary>The mean of the lines' sentiment scores with its label; null when no line has a score.</summary>
    public static Speech.SpeechSentiment? OverallSentiment(IReadOnlyList<MinutesLine> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var scores = lines.Where(l => l.SentimentScore is not null).Select(l => l.SentimentScore!.Value).ToList();
        if (scores.Count == 0)
        {
            return null;
        }

        var mean = Math.Round(scores.Average(), 3);
        return new Speech.SpeechSentiment(Sentiment.SentimentLabels.Of(mean), mean);
    }

    private static long EndOf(IReadOnlyList<CallRecordEntry> entries) =>
        entries.Count == 0 ? 0 : entries.Max(e => Math.Max(e.StartMs, e.EndMs ?? e.StartMs));

    private static DateTimeOffset? MediaStart(IReadOnlyList<CallRecordEntry> entries)
    {
        // Entry.At is the wall-clock time the entry was written, at the end of its turn: media started At − EndMs.
        var first = entries.FirstOrDefault(e => e.At != default);
        return first is null ? null : first.At - TimeSpan.FromMilliseconds(first.EndMs ?? first.StartMs);
    }
}
