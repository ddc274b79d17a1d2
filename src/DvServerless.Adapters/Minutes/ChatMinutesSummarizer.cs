using System.Text;
using System.Text.Json;
using DvServerless.Core.Minutes;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace DvServerless.Adapters.Minutes;

/// <summary>
/// Summarizes minutes with a Microsoft.Extensions.AI <see cref="IChatClient"/>: asks for JSON
/// <c>{"summary": "...", "actionItems": ["..."]}</c> and falls back to the reply as plain text. With no client, or
/// when the model fails, the minutes carry a clear "No summary: …" line instead.
/// </summary>
public sealed partial class ChatMinutesSummarizer : IMinutesSummarizer
{
    private const string Instructions =
        "You write minutes of a phone call between a caller and an AI agent. Reply with JSON only: " +
        "{\"summary\": \"two to four sentences in the language of the call\", \"actionItems\": [\"one follow-up per item\"]}. " +
        "Use an empty list when there is nothing to follow up. Do not invent facts.";

    private readonly IChatClient? _chat;
    private readonly ILogger<ChatMinutesSummarizer> _logger;

    /// <summary>Creates the summarizer; <paramref name="chat"/> null means no language model is configured.</summary>
    public ChatMinutesSummarizer(IChatClient? chat, ILogger<ChatMinutesSummarizer> logger)
    {
        _chat = chat;
        _logger = logger;
    }

    /// <inheritdoc />
    public async Task<MinutesDocument> SummarizeAsync(MinutesDocument document, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        if (_chat is null)
        {
            return document with { Summary = null, NoSummaryReason = MinutesRenderer.NoLanguageModelReason };
        }

        if (document.Lines.Count == 0)
        {
            return document with { Summary = null, NoSummaryReason = "nothing was said." };
        }

        var transcript = new StringBuilder();
        foreach (var line in document.Lines)
        {
            transcript.Append(line.Speaker).Append(": ").Append(line.Text).Append('\n');
        }

        try
        {
            var response = await _chat.GetResponseAsync(
                [new ChatMessage(ChatRole.System, Instructions), new ChatMessage(ChatRole.User, transcript.ToString())],
                new ChatOptions { Temperature = 0.2f },
                cancellationToken).ConfigureAwait(false);
            var summary = Parse(response.Text);
            return summary is null
                ? document with { Summary = null, NoSummaryReason = "the language model returned an empty answer." }
                : document with { Summary = summary };
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogSummaryFailed(document.CallId, e.GetType().Name);
            return document with { Summary = null, NoSummaryReason = "the language model failed (" + e.GetType().Name + ")." };
        }
    }

    /// <summary>Reads the model's reply: the JSON shape asked for, JSON inside a code fence, or plain text with "- " items.</summary>
    internal static MinutesSummary? Parse(string? reply)
    {
        if (string.IsNullOrWhiteSpace(reply))
        {
            return null;
        }

        var text = reply.Trim();
        var start = text.IndexOf('{');
        var end = text.LastIndexOf('}');
        if (start >= 0 && end > start)
        {
            try
            {
                using var json = JsonDocument.Parse(text[start..(end + 1)]);
                var root = json.RootElement;
                if (root.TryGetProperty("summary", out var s) && s.ValueKind == JsonValueKind.String)
                {
                    var items = root.TryGetProperty("actionItems", out var a) && a.ValueKind == JsonValueKind.Array
                        ? a.EnumerateArray().Where(i => i.ValueKind == JsonValueKind.String).Select(i => i.GetString()!.Trim()).Where(i => i.Length > 0).ToArray()
                        : [];
                    return new MinutesSummary(s.GetString()!.Trim(), items);
                }
            }
            catch (JsonException)
            {
                // Not JSON after all: fall through to plain text.
            }
        }

        var lines = text.Split('\n').Select(l => l.Trim()).ToArray();
        var actionItems = lines.Where(l => l.StartsWith("- ", StringComparison.Ordinal)).Select(l => l[2..].Trim()).ToArray();
        var summaryText = string.Join(" ", lines.Where(l => l.Length > 0 && !l.StartsWith("- ", StringComparison.Ordinal)));
        return new MinutesSummary(summaryText, actionItems);
    }

    [LoggerMessage(EventId = 5101, Level = LogLevel.Warning, Message = "Summarizing the minutes of call {CallId} failed ({Error}); rendering without a summary.")]
    private partial void LogSummaryFailed(string callId, string error);
}
