using System.Text.Json;

namespace DvServerless.Adapters.Speech.Deepgram;

/// <summary>
/// One message of Deepgram's streaming API, the fields the adapter uses (wire twin of <c>Results</c>,
/// <c>SpeechStarted</c>, <c>UtteranceEnd</c>, <c>Metadata</c> and <c>Error</c>); <see cref="Parse"/> is the one entry point.
/// </summary>
/// <param name="Type">The message type as sent.</param>
/// <param name="Transcript">Results: the first alternative's transcript.</param>
/// <param name="Confidence">Results: the first alternative's confidence.</param>
/// <param name="Start">Results: the segment start; SpeechStarted: <c>timestamp</c>; UtteranceEnd: <c>last_word_end</c> (seconds).</param>
/// <param name="Duration">Results: the segment's length in seconds.</param>
/// <param name="IsFinal">Results: the segment's text will not change.</param>
/// <param name="SpeechFinal">Results: endpointing saw the end of speech.</param>
/// <param name="SentimentLabel">Results: the segment's sentiment, when Deepgram gives one.</param>
/// <param name="SentimentScore">Results: the sentiment score (−1 to 1).</param>
/// <param name="Description">Error: the reason; Metadata: the request id.</param>
internal sealed record DeepgramServerMessage(
    string Type,
    string Transcript = "",
    double? Confidence = null,
    double Start = 0,
    double Duration = 0,
    bool IsFinal = false,
    bool SpeechFinal = false,
    string? SentimentLabel = null,
    double? SentimentScore = null,
    string? Description = null)
{
    /// <summary>Reads one text frame; unknown types come back with only <see cref="Type"/> set.</summary>
    /// <exception cref="JsonException">The frame is not a JSON object.</exception>
    public static DeepgramServerMessage Parse(ReadOnlySpan<byte> json)
    {
        using var document = JsonDocument.Parse(json.ToArray());
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException("A Deepgram message is a JSON object.");
        }

        var type = String(root, "type") ?? "";
        switch (type)
        {
            case "Results":
                var alternative = root.TryGetProperty("channel", out var channel)
                    && channel.TryGetProperty("alternatives", out var alternatives)
                    && alternatives.ValueKind == JsonValueKind.Array && alternatives.GetArrayLength() > 0
                    ? alternatives[0]
                    : default;
                return new DeepgramServerMessage(
                    type,
                    alternative.ValueKind == JsonValueKind.Object ? String(alternative, "transcript") ?? "" : "",
                    alternative.ValueKind == JsonValueKind.Object ? Number(alternative, "confidence") : null,
                    Number(root, "start") ?? 0,
                    Number(root, "duration") ?? 0,
                    Flag(root, "is_final"),
                    Flag(root, "speech_final"),
                    alternative.ValueKind == JsonValueKind.Object ? String(alternative, "sentiment") : null,
                    alternative.ValueKind == JsonValueKind.Object ? Number(alternative, "sentiment_score") : null);
            case "SpeechStarted":
                return new DeepgramServerMessage(type, Start: Number(root, "timestamp") ?? 0);
            case "UtteranceEnd":
                return new DeepgramServerMessage(type, Start: Number(root, "last_word_end") ?? 0);
            case "Metadata":
                return new DeepgramServerMessage(type, Description: String(root, "request_id"));
            case "Error":
                return new DeepgramServerMessage(type, Description: String(root, "description") ?? String(root, "message") ?? "unknown error");
            default:
                return new DeepgramServerMessage(type);
        }
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static double? Number(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : null;

    private static bool Flag(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;
}
