using System.Text.Json;
using DvServerless.Core.Calls;
using DvServerless.Core.Engines;

namespace DvServerless.Adapters.Engines.Realtime;

/// <summary>
/// Maps one GA Realtime server frame (PROTOCOL §1.5) to engine events. Lenient: unknown types and fields are
/// ignored, <c>event_id</c> is optional, missing strings become empty.
/// </summary>
internal static class RealtimeServerEventParser
{
    /// <summary>Parses <paramref name="json"/>, adding what the call loop must see to <paramref name="events"/>.</summary>
    /// <returns>The event <c>type</c> (null when the frame is not a JSON object with a string <c>type</c>).</returns>
    /// <exception cref="JsonException">The frame is not JSON.</exception>
    public static string? Parse(ReadOnlyMemory<byte> json, List<EngineEvent> events, out EngineUsage? usage)
    {
        usage = null;
        using var document = JsonDocument.Parse(json);
        var added = events.Count;
        try
        {
            return ParseRoot(document.RootElement, events, out usage);
        }
        catch (InvalidOperationException exception)
        {
            // System.Text.Json throws this for a name or string it cannot decode (a lone surrogate escape such as
            // "\uD800"), even from TryGetProperty: the frame is malformed, and none of it reaches the call loop.
            events.RemoveRange(added, events.Count - added);
            usage = null;
            throw new JsonException("The frame holds a name or string that is not valid Unicode.", exception);
        }
    }

    /// <summary>For <c>error</c> frames: the client <c>event_id</c> the error refers to, if any.</summary>
    /// <exception cref="JsonException">The frame is not JSON.</exception>
    public static string? ErrorClientEventId(ReadOnlyMemory<byte> json)
    {
        using var document = JsonDocument.Parse(json);
        try
        {
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object
                ? OptStr(error, "event_id")
                : null;
        }
        catch (InvalidOperationException exception)
        {
            throw new JsonException("The frame holds a name or string that is not valid Unicode.", exception);
        }
    }

    private static string? ParseRoot(JsonElement root, List<EngineEvent> events, out EngineUsage? usage)
    {
        usage = null;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("type", out var typeElement)
            || typeElement.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        var type = typeElement.GetString()!;
        switch (type)
        {
            case "response.output_audio.delta":
                var audio = Base64(root, "delta", out var undecodable);
                events.Add(new AgentAudioDelta(Str(root, "response_id"), Str(root, "item_id"), Int(root, "content_index"), audio));
                if (undecodable)
                {
                    // Played as nothing; said, so that a caller's missing words show in the log and the call's errors.
                    events.Add(new EngineError("invalid_audio_delta", "An audio delta that is not base64 was dropped."));
                }

                break;
            case "response.output_audio_transcript.delta":
                events.Add(new AgentTranscriptDelta(Str(root, "response_id"), Str(root, "item_id"), Str(root, "delta")));
                break;
            case "response.output_audio_transcript.done":
                events.Add(new AgentTranscriptDone(Str(root, "response_id"), Str(root, "item_id"), Str(root, "transcript")));
                break;
            case "input_audio_buffer.speech_started":
                events.Add(new CallerSpeechStarted(Int(root, "audio_start_ms"), OptStr(root, "item_id")));
                break;
            case "input_audio_buffer.speech_stopped":
                events.Add(new CallerSpeechStopped(Int(root, "audio_end_ms"), OptStr(root, "item_id")));
                break;
            case "input_audio_buffer.dtmf_event_received":
                // SIP only, and the one server event without an event_id. An unknown key is ignored, not an error.
                if (DtmfKey.TryParse(OptStr(root, "event"), out var key))
                {
                    events.Add(new CallerKeypress(key));
                }

                break;
            case "conversation.item.input_audio_transcription.completed":
                events.Add(new CallerTranscript(Str(root, "item_id"), Str(root, "transcript")));
                usage = TranscriptionUsage(root);
                break;
            case "conversation.item.input_audio_transcription.failed":
                var failure = root.TryGetProperty("error", out var f) && f.ValueKind == JsonValueKind.Object ? OptStr(f, "message") : null;
                events.Add(new CallerTranscriptFailed(Str(root, "item_id"), failure));
                break;
            case "response.created":
                events.Add(new ResponseStarted(Str(Obj(root, "response"), "id")));
                break;
            case "response.done":
                ParseResponseDone(root, events, out usage);
                break;
            case "output_audio_buffer.started":
                events.Add(new AgentPlaybackStarted(Str(root, "response_id")));
                break;
            case "output_audio_buffer.stopped" or "output_audio_buffer.cleared":
                events.Add(new AgentPlaybackStopped(Str(root, "response_id"), type == "output_audio_buffer.cleared"));
                break;
            case "conversation.item.truncated":
                events.Add(new AgentItemTruncated(Str(root, "item_id"), Int(root, "audio_end_ms")));
                break;
            case "response.function_call_arguments.done":
                events.Add(new ToolCallRequested(Str(root, "call_id"), Str(root, "name"), Str(root, "arguments")));
                break;
            case "error":
                var error = root.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.Object ? e : default;
                events.Add(new EngineError(
                    error.ValueKind == JsonValueKind.Object ? OptStr(error, "code") : null,
                    error.ValueKind == JsonValueKind.Object ? Str(error, "message") : "unknown error"));
                break;
        }

        return type;
    }

    private static void ParseResponseDone(JsonElement root, List<EngineEvent> events, out EngineUsage? usage)
    {
        usage = null;
        if (!root.TryGetProperty("response", out var response) || response.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        // A function call is also listed in the response output; the engine drops the duplicate by call_id.
        if (response.TryGetProperty("output", out var output) && output.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in output.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.Object && OptStr(item, "type") == "function_call"
                    && OptStr(item, "status") is null or "completed")
                {
                    events.Add(new ToolCallRequested(Str(item, "call_id"), Str(item, "name"), Str(item, "arguments")));
                }
            }
        }

        string? reason = null;
        if (response.TryGetProperty("status_details", out var details) && details.ValueKind == JsonValueKind.Object)
        {
            reason = OptStr(details, "reason");
        }

        events.Add(new ResponseFinished(Str(response, "id"), Str(response, "status"), reason));

        if (response.TryGetProperty("usage", out var u) && u.ValueKind == JsonValueKind.Object)
        {
            var input = Obj(u, "input_token_details");
            var outputDetails = Obj(u, "output_token_details");
            usage = new EngineUsage
            {
                Responses = 1,
                InputTextTokens = Long(input, "text_tokens"),
                InputAudioTokens = Long(input, "audio_tokens"),
                CachedInputTokens = Long(input, "cached_tokens"),
                OutputTextTokens = Long(outputDetails, "text_tokens"),
                OutputAudioTokens = Long(outputDetails, "audio_tokens"),
            };
        }
        else
        {
            usage = new EngineUsage { Responses = 1 };
        }
    }

    private static EngineUsage? TranscriptionUsage(JsonElement root)
    {
        var u = Obj(root, "usage");
        if (u.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        return OptStr(u, "type") == "duration"
            ? new EngineUsage { TranscriptionSeconds = u.TryGetProperty("seconds", out var s) && s.ValueKind == JsonValueKind.Number && s.TryGetDouble(out var d) && double.IsFinite(d) ? d : 0 }
            : new EngineUsage { TranscriptionTokens = Long(u, "total_tokens") };
    }

    private static JsonElement Obj(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object
            ? value
            : default;

    private static string Str(JsonElement element, string name) => OptStr(element, name) ?? string.Empty;

    private static string? OptStr(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static int Int(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number
            ? value.TryGetInt32(out var i) ? i : (int)Math.Clamp(value.GetDouble(), int.MinValue, int.MaxValue)
            : 0;

    private static long Long(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value)
        && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var l)
            ? l
            : 0;

    /// <summary>
    /// The bytes of a base64 string property; empty when it is absent, not a string or not base64, and then
    /// <paramref name="undecodable"/> says whether there was text that should have been audio (whitespace alone is nothing,
    /// as the fast delta reader reads it too).
    /// </summary>
    private static ReadOnlyMemory<byte> Base64(JsonElement element, string name, out bool undecodable)
    {
        undecodable = false;
        if (!element.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String)
        {
            return ReadOnlyMemory<byte>.Empty;
        }

        if (value.TryGetBytesFromBase64(out var bytes))
        {
            return bytes;
        }

        undecodable = !string.IsNullOrWhiteSpace(value.GetString());
        return ReadOnlyMemory<byte>.Empty;
    }
}
