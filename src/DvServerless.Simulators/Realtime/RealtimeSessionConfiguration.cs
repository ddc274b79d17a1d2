using System.Text.Json.Nodes;

namespace DvServerless.Simulators.Realtime;

/// <summary>
/// The effective GA session object of one simulated session (<c>RealtimeSessionCreateResponseGA</c>), its defaults,
/// and the <c>session.update</c> merge: only the fields present change, <c>audio</c>, <c>audio.input</c> and
/// <c>audio.output</c> merge field by field, everything else is replaced whole; the result is validated before it
/// takes effect so a bad update changes nothing.
/// </summary>
internal sealed class RealtimeSessionConfiguration
{
    private static readonly HashSet<string> RealtimeFields =
    [
        "type", "output_modalities", "model", "instructions", "audio", "include", "tracing", "tools", "tool_choice",
        "parallel_tool_calls", "reasoning", "max_output_tokens", "truncation", "prompt",
        // Read-only fields a client may echo back from session.created; ignored.
        "id", "object", "expires_at",
    ];

    private static readonly HashSet<string> TranscriptionFields = ["type", "audio", "include", "id", "object", "expires_at"];
    private static readonly HashSet<string> ReadOnlyFields = ["id", "object", "expires_at", "model"];

    private readonly RealtimeSimulatorOptions _options;

    private RealtimeSessionConfiguration(JsonObject session, RealtimeSimulatorOptions options)
    {
        Session = session;
        _options = options;
    }

    /// <summary>The full effective session object as sent in <c>session.created</c> / <c>session.updated</c>.</summary>
    public JsonObject Session { get; private set; }

    public bool IsTranscriptionSession => (string?)Session["type"] == "transcription";

    public string InputFormatType => (string?)Session["audio"]?["input"]?["format"]?["type"] ?? "audio/pcm";

    public string OutputFormatType => (string?)Session["audio"]?["output"]?["format"]?["type"] ?? "audio/pcm";

    public JsonObject? TurnDetection => Session["audio"]?["input"]?["turn_detection"] as JsonObject;

    public bool TranscriptionEnabled => Session["audio"]?["input"]?["transcription"] is JsonObject;

    public bool TextOnly => Session["output_modalities"] is JsonArray { Count: 1 } modalities && (string?)modalities[0] == "text";

    public string Instructions => (string?)Session["instructions"] ?? string.Empty;

    public JsonNode? Voice => Session["audio"]?["output"]?["voice"];

    public JsonNode OutputFormat => Session["audio"]?["output"]?["format"]?.DeepClone() ?? PcmFormat();

    public static RealtimeSessionConfiguration CreateDefault(
        RealtimeSimulatorOptions options, string sessionId, string model, long expiresAt, bool transcription)
    {
        var input = new JsonObject
        {
            ["format"] = PcmFormat(),
            ["transcription"] = null,
            ["noise_reduction"] = null,
            ["turn_detection"] = DefaultServerVad(options),
        };
        JsonObject session;
        if (transcription)
        {
            session = new JsonObject
            {
                ["type"] = "transcription",
                ["object"] = "realtime.transcription_session",
                ["id"] = sessionId,
                ["expires_at"] = expiresAt,
                ["audio"] = new JsonObject { ["input"] = input },
                ["include"] = null,
            };
        }
        else
        {
            session = new JsonObject
            {
                ["type"] = "realtime",
                ["object"] = "realtime.session",
                ["id"] = sessionId,
                ["model"] = model,
                ["output_modalities"] = new JsonArray("audio"),
                ["instructions"] = "You are a helpful, friendly voice assistant. Keep your answers short.",
                ["tools"] = new JsonArray(),
                ["tool_choice"] = "auto",
                ["max_output_tokens"] = "inf",
                ["tracing"] = null,
                ["truncation"] = "auto",
                ["prompt"] = null,
                ["expires_at"] = expiresAt,
                ["audio"] = new JsonObject
                {
                    ["input"] = input,
                    ["output"] = new JsonObject { ["format"] = PcmFormat(), ["voice"] = "alloy", ["speed"] = 1 },
                },
                ["include"] = null,
            };
        }

        return new RealtimeSessionConfiguration(session, options);
    }

    /// <summary>Merges <paramref name="update"/> (the <c>session</c> of a <c>session.update</c>); null when applied.</summary>
    public RealtimeProtocolError? TryApply(JsonNode? update)
    {
        if (update is not JsonObject patch)
        {
            return update is null ? RealtimeProtocolError.Missing("session") : RealtimeProtocolError.InvalidType("session", "an object");
        }

        var expectedType = (string)Session["type"]!;
        if (patch["type"] is not JsonValue typeValue || !typeValue.TryGetValue(out string? type))
        {
            // The beta protocol had no session.type; GA requires it (azdocs migration guide).
            return RealtimeProtocolError.Missing("session.type");
        }

        if (type != expectedType)
        {
            return RealtimeProtocolError.InvalidValue(
                "session.type", $"Invalid value: '{type}'. This session is of type '{expectedType}' and cannot change type.");
        }

        var allowed = expectedType == "transcription" ? TranscriptionFields : RealtimeFields;
        foreach (var (name, _) in patch)
        {
            if (!allowed.Contains(name))
            {
                return RealtimeProtocolError.Unknown("session." + name);
            }
        }

        var merged = (JsonObject)Session.DeepClone();
        foreach (var (name, value) in patch)
        {
            if (ReadOnlyFields.Contains(name))
            {
                continue;
            }

            if (name == "audio")
            {
                if (value is not JsonObject audio)
                {
                    return RealtimeProtocolError.InvalidType("session.audio", "an object");
                }

                var error = MergeAudio(merged, audio);
                if (error is not null)
                {
                    return error;
                }

                continue;
            }

            merged[name] = value?.DeepClone();
        }

        var problem = RealtimeSessionValidator.Validate(merged);
        if (problem is not null)
        {
            return problem;
        }

        Session = merged;
        return null;
    }

    private RealtimeProtocolError? MergeAudio(JsonObject merged, JsonObject audio)
    {
        var target = merged["audio"] as JsonObject ?? new JsonObject();
        merged["audio"] = target;
        foreach (var (direction, value) in audio)
        {
            if (direction is not ("input" or "output") || (direction == "output" && IsTranscriptionSession))
            {
                return RealtimeProtocolError.Unknown("session.audio." + direction);
            }

            if (value is not JsonObject fields)
            {
                return RealtimeProtocolError.InvalidType($"session.audio.{direction}", "an object");
            }

            var side = target[direction] as JsonObject ?? new JsonObject();
            target[direction] = side;
            foreach (var (name, field) in fields)
            {
                var known = direction == "input"
                    ? name is "format" or "transcription" or "noise_reduction" or "turn_detection"
                    : name is "format" or "voice" or "speed";
                if (!known)
                {
                    return RealtimeProtocolError.Unknown($"session.audio.{direction}.{name}");
                }

                var copy = field?.DeepClone();
                if (name == "turn_detection" && copy is JsonObject turn)
                {
                    FillTurnDetectionDefaults(turn);
                }

                if (name == "format" && copy is JsonObject format && (string?)format["type"] == "audio/pcm" && format["rate"] is null)
                {
                    format["rate"] = 24_000;
                }

                side[name] = copy;
            }
        }

        return null;
    }

    private void FillTurnDetectionDefaults(JsonObject turn)
    {
        var type = (string?)turn["type"];
        if (type == "server_vad")
        {
            turn["threshold"] ??= _options.VadThreshold;
            turn["prefix_padding_ms"] ??= _options.VadPrefixPaddingMs;
            turn["silence_duration_ms"] ??= _options.VadSilenceDurationMs;
            if (!turn.ContainsKey("idle_timeout_ms"))
            {
                turn["idle_timeout_ms"] = null;
            }
        }
        else if (type == "semantic_vad")
        {
            turn["eagerness"] ??= "auto";
        }

        turn["create_response"] ??= true;
        turn["interrupt_response"] ??= true;
    }

    private static JsonObject DefaultServerVad(RealtimeSimulatorOptions options) => new()
    {
        ["type"] = "server_vad",
        ["threshold"] = options.VadThreshold,
        ["prefix_padding_ms"] = options.VadPrefixPaddingMs,
        ["silence_duration_ms"] = options.VadSilenceDurationMs,
        ["idle_timeout_ms"] = null,
        ["create_response"] = true,
        ["interrupt_response"] = true,
    };

    private static JsonObject PcmFormat() => new() { ["type"] = "audio/pcm", ["rate"] = 24_000 };
}
