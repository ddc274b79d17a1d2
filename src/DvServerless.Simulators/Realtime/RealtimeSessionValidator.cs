using System.Text.Json.Nodes;

namespace DvServerless.Simulators.Realtime;

/// <summary>
/// Checks a merged GA session object before it takes effect (<c>session.update</c>, a SIP accept body): output
/// modalities, instructions, tools, <c>max_output_tokens</c>, audio formats, turn detection, transcription, noise
/// reduction, speed and voice, each against the values the spec allows. The first problem is returned.
/// </summary>
internal static class RealtimeSessionValidator
{
    private static readonly HashSet<string> AudioFormats = ["audio/pcm", "audio/pcmu", "audio/pcma"];

    /// <summary>The first problem with <paramref name="session"/>, or null when it is valid.</summary>
    public static RealtimeProtocolError? Validate(JsonObject session)
    {
        if (session["output_modalities"] is { } modalities)
        {
            if (modalities is not JsonArray { Count: 1 } list || (string?)list[0] is not ("audio" or "text"))
            {
                return RealtimeProtocolError.InvalidValue(
                    "session.output_modalities", "Invalid value for 'session.output_modalities': use [\"audio\"] or [\"text\"].");
            }
        }

        if (session["instructions"] is { } instructions && !RealtimeJson.IsString(instructions))
        {
            return RealtimeProtocolError.InvalidType("session.instructions", "a string");
        }

        if (session["tools"] is { } tools && tools is not JsonArray)
        {
            return RealtimeProtocolError.InvalidType("session.tools", "an array");
        }

        if (session["max_output_tokens"] is { } max)
        {
            var ok = (max is JsonValue v && v.TryGetValue(out string? s) && s == "inf")
                || (RealtimeJson.TryInteger(max, out var tokens) && tokens is >= 1 and <= 4096);
            if (!ok)
            {
                return RealtimeProtocolError.InvalidValue("session.max_output_tokens", "Invalid 'session.max_output_tokens': expected an integer from 1 to 4096 or 'inf'.");
            }
        }

        foreach (var direction in new[] { "input", "output" })
        {
            var side = session["audio"]?[direction];
            if (side is null)
            {
                continue;
            }

            var error = ValidateFormat(side["format"], $"session.audio.{direction}.format");
            if (error is not null)
            {
                return error;
            }
        }

        var input = session["audio"]?["input"];
        if (input?["turn_detection"] is { } turn)
        {
            var error = ValidateTurnDetection(turn);
            if (error is not null)
            {
                return error;
            }
        }

        if (input?["transcription"] is { } transcription && transcription is not JsonObject)
        {
            return RealtimeProtocolError.InvalidType("session.audio.input.transcription", "an object or null");
        }

        if (input?["noise_reduction"] is { } noise &&
            (noise is not JsonObject || (string?)noise["type"] is not ("near_field" or "far_field")))
        {
            return RealtimeProtocolError.InvalidValue("session.audio.input.noise_reduction.type", "Invalid value for 'session.audio.input.noise_reduction.type': expected 'near_field' or 'far_field'.");
        }

        var output = session["audio"]?["output"];
        if (output?["speed"] is { } speed && (!RealtimeJson.TryNumber(speed, out var value) || value < 0.25 || value > 1.5))
        {
            return RealtimeProtocolError.InvalidValue("session.audio.output.speed", "Invalid 'session.audio.output.speed': expected a number from 0.25 to 1.5.");
        }

        if (output?["voice"] is { } voice && !RealtimeJson.IsString(voice) && !(voice is JsonObject custom && RealtimeJson.IsString(custom["id"])))
        {
            return RealtimeProtocolError.InvalidType("session.audio.output.voice", "a voice name or an object with an 'id'");
        }

        return null;
    }

    private static RealtimeProtocolError? ValidateFormat(JsonNode? format, string param)
    {
        if (format is null)
        {
            return null;
        }

        if (format is not JsonObject || !RealtimeJson.IsString(format["type"]) || !AudioFormats.Contains((string)format["type"]!))
        {
            return RealtimeProtocolError.InvalidValue(param + ".type", $"Invalid value for '{param}.type': expected 'audio/pcm', 'audio/pcmu' or 'audio/pcma'.");
        }

        if ((string?)format["type"] == "audio/pcm" && (!RealtimeJson.TryNumber(format["rate"], out var rate) || rate != 24_000))
        {
            // spec RealtimeAudioFormats: "Only a 24kHz sample rate is supported."
            return RealtimeProtocolError.InvalidValue(param + ".rate", $"Invalid value for '{param}.rate': only 24000 is supported for audio/pcm.");
        }

        return null;
    }

    private static RealtimeProtocolError? ValidateTurnDetection(JsonNode turn)
    {
        const string Param = "session.audio.input.turn_detection";
        if (turn is not JsonObject || (string?)turn["type"] is not ("server_vad" or "semantic_vad"))
        {
            return RealtimeProtocolError.InvalidValue(Param + ".type", $"Invalid value for '{Param}.type': expected 'server_vad' or 'semantic_vad'.");
        }

        if (turn["threshold"] is { } threshold && (!RealtimeJson.TryNumber(threshold, out var t) || t < 0 || t > 1))
        {
            return RealtimeProtocolError.InvalidValue(Param + ".threshold", $"Invalid '{Param}.threshold': expected a number from 0 to 1.");
        }

        foreach (var name in new[] { "prefix_padding_ms", "silence_duration_ms" })
        {
            if (turn[name] is { } ms && (!RealtimeJson.TryInteger(ms, out var value) || value < 0))
            {
                return RealtimeProtocolError.InvalidType($"{Param}.{name}", "a non-negative integer");
            }
        }

        if (turn["idle_timeout_ms"] is { } idle && (!RealtimeJson.TryInteger(idle, out var idleMs) || idleMs is < 5_000 or > 30_000))
        {
            return RealtimeProtocolError.InvalidValue(Param + ".idle_timeout_ms", $"Invalid '{Param}.idle_timeout_ms': expected 5000 to 30000 or null.");
        }

        return null;
    }
}
