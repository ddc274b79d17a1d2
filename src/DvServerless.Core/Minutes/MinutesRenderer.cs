using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;

namespace DvServerless.Core.Minutes;

/// <summary>Renders <see cref="MinutesDocument"/>s as plain text, Markdown, JSON and SRT subtitles.</summary>
/// <remarks>Output uses <c>\n</c> line ends and invariant formatting, so the same document always renders to the same bytes.</remarks>
public static class MinutesRenderer
{
    /// <summary>The default reason when there is no summary.</summary>
    public const string NoLanguageModelReason = "no language model is configured.";

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        // Korean and other non-ASCII text stays readable in the file.
        Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
    };

    /// <summary>All formats, in the order they are rendered.</summary>
    public static IReadOnlyList<MinutesFormat> Formats { get; } = [MinutesFormat.Txt, MinutesFormat.Md, MinutesFormat.Json, MinutesFormat.Srt];

    /// <summary>Parses a <c>format</c> query value (<c>txt</c>, <c>md</c>, <c>json</c>, <c>srt</c>, case-insensitive).</summary>
    public static bool TryParseFormat(string? value, out MinutesFormat format)
    {
        switch (value?.Trim().ToLowerInvariant())
        {
            case "txt": format = MinutesFormat.Txt; return true;
            case "md": format = MinutesFormat.Md; return true;
            case "json": format = MinutesFormat.Json; return true;
            case "srt": format = MinutesFormat.Srt; return true;
            default: format = default; return false;
        }
    }

    /// <summary>The file extension of a format (<c>txt</c>, <c>md</c>, <c>json</c>, <c>srt</c>).</summary>
    public static string ExtensionOf(MinutesFormat format) => format switch
    {
        MinutesFormat.Txt => "txt",
        MinutesFormat.Md => "md",
        MinutesFormat.Json => "json",
        MinutesFormat.Srt => "srt",
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
    };

    /// <summary>The HTTP content type of a format (UTF-8 for the text formats).</summary>
    public static string ContentTypeOf(MinutesFormat format) => format switch
    {
        MinutesFormat.Txt => "text/plain; charset=utf-8",
        MinutesFormat.Md => "text/markdown; charset=utf-8",
        MinutesFormat.Json => "application/json; charset=utf-8",
        MinutesFormat.Srt => "application/x-subrip; charset=utf-8",
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
    };

    /// <summary>Renders <paramref name="document"/> in <paramref name="format"/>.</summary>
    public static string Render(MinutesDocument document, MinutesFormat format) => format switch
    {
        MinutesFormat.Txt => RenderText(document),
        MinutesFormat.Md => RenderMarkdown(document),
        MinutesFormat.Json => RenderJson(document),
        MinutesFormat.Srt => RenderSrt(document),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
    };

    /// <summary>The <c>No summary: …</c> line of a document without a summary.</summary>
    public static string NoSummaryLine(MinutesDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var reason = string.IsNullOrWhiteSpace(document.NoSummaryReason) ? NoLanguageModelReason : document.NoSummaryReason.Trim();
        return "No summary: " + reason;
    }

    /// <summary>Plain text: header, dialogue with <c>[mm:ss]</c> stamps, summary.</summary>
    public static string RenderText(MinutesDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var text = new StringBuilder();
        text.Append("Minutes of call ").Append(document.CallId).Append('\n');
        foreach (var (label, value) in Header(document))
        {
            text.Append(label).Append(": ").Append(value).Append('\n');
        }

        text.Append("\nDialogue\n");
        foreach (var line in document.Lines)
        {
            text.Append('[').Append(Clock(line.StartMs)).Append("] ").Append(line.Speaker).Append(": ").Append(line.Text);
            if (SentimentOf(line) is { } sentiment)
            {
                text.Append(" (").Append(sentiment).Append(')');
            }

            text.Append('\n');
        }

        text.Append("\nSummary\n");
        if (document.Summary is { } summary)
        {
            text.Append(summary.Text.Trim()).Append('\n');
            text.Append("\nAction items\n");
            foreach (var item in summary.ActionItems)
            {
                text.Append("- ").Append(item).Append('\n');
            }
        }
        else
        {
            text.Append(NoSummaryLine(document)).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>Markdown: a header list, the dialogue as a list with bold speakers, summary and action-item checkboxes.</summary>
    public static string RenderMarkdown(MinutesDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var text = new StringBuilder();
        text.Append("# Minutes of call ").Append(document.CallId).Append("\n\n");
        foreach (var (label, value) in Header(document))
        {
            text.Append("- **").Append(label).Append(":** ").Append(value).Append('\n');
        }

        text.Append("\n## Dialogue\n\n");
        foreach (var line in document.Lines)
        {
            text.Append("- `").Append(Clock(line.StartMs)).Append("` **").Append(line.Speaker).Append(":** ").Append(line.Text);
            if (SentimentOf(line) is { } sentiment)
            {
                text.Append(" _(").Append(sentiment).Append(")_");
            }

            text.Append('\n');
        }

        text.Append("\n## Summary\n\n");
        if (document.Summary is { } summary)
        {
            text.Append(summary.Text.Trim()).Append('\n');
            text.Append("\n## Action items\n\n");
            foreach (var item in summary.ActionItems)
            {
                text.Append("- [ ] ").Append(item).Append('\n');
            }
        }
        else
        {
            text.Append('_').Append(NoSummaryLine(document)).Append("_\n");
        }

        return text.ToString();
    }

    /// <summary>JSON: every field of the document; <c>summary</c> is null and <c>noSummary</c> set when there is none.</summary>
    public static string RenderJson(MinutesDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var shape = new
        {
            callId = document.CallId,
            tenantId = document.TenantId,
            callIds = document.CallIds,
            parties = document.Parties,
            startedAt = document.StartedAt,
            durationMs = (long)document.Duration.TotalMilliseconds,
            engine = document.Engine,
            costUsd = document.CostUsd,
            lines = document.Lines.Select(l => new
            {
                speaker = l.Speaker,
                startMs = l.StartMs,
                endMs = l.EndMs,
                text = l.Text,
                interrupted = l.Interrupted,
                callId = l.CallId,
                sentiment = l.Sentiment,
                sentimentScore = l.SentimentScore,
            }),
            callerSentiment = document.CallerSentiment is { } overall ? new { label = overall.Label, score = overall.Score } : null,
            summary = document.Summary is { } s ? new { text = s.Text, actionItems = s.ActionItems } : null,
            noSummary = document.Summary is null ? NoSummaryLine(document) : null,
        };
        return JsonSerializer.Serialize(shape, JsonOptions).ReplaceLineEndings("\n") + "\n";
    }

    /// <summary>SRT: one numbered cue per line, <c>HH:MM:SS,mmm --> HH:MM:SS,mmm</c>, cues separated by a blank line.</summary>
    public static string RenderSrt(MinutesDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var text = new StringBuilder();
        var sequence = 0;
        foreach (var line in document.Lines)
        {
            if (sequence > 0)
            {
                text.Append('\n');
            }

            sequence++;
            // A cue must not end before it starts; zero-length turns get the same start and end.
            var end = Math.Max(line.EndMs, line.StartMs);
            text.Append(sequence.ToString(CultureInfo.InvariantCulture)).Append('\n');
            text.Append(SrtTime(line.StartMs)).Append(" --> ").Append(SrtTime(end)).Append('\n');
            text.Append(line.Speaker).Append(": ").Append(line.Text.ReplaceLineEndings(" ")).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>An SRT timestamp: <c>HH:MM:SS,mmm</c> (hours keep counting past 99).</summary>
    public static string SrtTime(long milliseconds)
    {
        var ms = Math.Max(0, milliseconds);
        return string.Create(CultureInfo.InvariantCulture, $"{ms / 3_600_000:00}:{ms / 60_000 % 60:00}:{ms / 1000 % 60:00},{ms % 1000:000}");
    }

    private static string Clock(long milliseconds)
    {
        var ms = Math.Max(0, milliseconds);
        return ms >= 3_600_000
            ? string.Create(CultureInfo.InvariantCulture, $"{ms / 3_600_000}:{ms / 60_000 % 60:00}:{ms / 1000 % 60:00}")
            : string.Create(CultureInfo.InvariantCulture, $"{ms / 60_000:00}:{ms / 1000 % 60:00}");
    }

    private static IEnumerable<(string Label, string Value)> Header(MinutesDocument document)
    {
        if (document.CallIds.Count > 1)
        {
            yield return ("Calls", string.Join(", ", document.CallIds));
        }

        yield return ("Tenant", document.TenantId ?? "-");
        yield return ("Parties", document.Parties.Count == 0 ? "-" : string.Join(", ", document.Parties));
        yield return ("Start", document.StartedAt?.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) ?? "-");
        yield return ("Duration", FormatDuration(document.Duration));
        yield return ("Engine", document.Engine ?? "-");
        if (document.CallerSentiment is { } overall)
        {
            yield return ("Caller sentiment", Sentiment(overall.Label, overall.Score));
        }

        if (document.CostUsd is { } cost)
        {
            yield return ("Cost", string.Create(CultureInfo.InvariantCulture, $"${cost:0.0000} (engine usage at list prices)"));
        }
    }

    /// <summary>A line's sentiment as <c>negative -0.50</c> (or the label alone without a score); null for none.</summary>
    private static string? SentimentOf(MinutesLine line) => line.Sentiment is { Length: > 0 } label ? Sentiment(label, line.SentimentScore) : null;

    private static string Sentiment(string label, double? score) =>
        score is { } s ? string.Create(CultureInfo.InvariantCulture, $"{label} {s:+0.00;-0.00;0.00}") : label;

    private static string FormatDuration(TimeSpan duration)
    {
        var total = (long)Math.Max(0, Math.Round(duration.TotalSeconds, MidpointRounding.AwayFromZero));
        return string.Create(CultureInfo.InvariantCulture, $"{total / 3600}:{total / 60 % 60:00}:{total % 60:00}");
    }
}
