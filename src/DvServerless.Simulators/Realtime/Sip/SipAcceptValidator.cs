using System.Text.Json.Nodes;

namespace DvServerless.Simulators.Realtime.Sip;

/// <summary>
/// Checks <c>/accept</c> bodies as the service does for SIP calls: a GA session object with <c>type:"realtime"</c>,
/// none of the turn-detection tuning fields OpenAI refuses for SIP (PROTOCOL §2.3), and otherwise the same rules as
/// <c>session.update</c>.
/// </summary>
internal static class SipAcceptValidator
{
    private static readonly string[] SipForbiddenTurnFields = ["threshold", "prefix_padding_ms", "silence_duration_ms"];

    /// <returns>Null when acceptable, else the error.</returns>
    public static RealtimeProtocolError? Validate(JsonNode? body, RealtimeSimulatorOptions options)
    {
        if (body is not JsonObject session)
        {
            return new RealtimeProtocolError("invalid_request_error", "The request body must be a JSON object (the session configuration).");
        }

        if (session["type"] is null)
        {
            return RealtimeProtocolError.Missing("session.type");
        }

        if (!RealtimeJson.IsString(session["type"]) || (string?)session["type"] != "realtime")
        {
            return RealtimeProtocolError.InvalidValue("session.type", "Invalid value for 'session.type'. Supported values are: 'realtime'.");
        }

        if (session["model"] is { } model && !RealtimeJson.IsString(model))
        {
            return RealtimeProtocolError.InvalidType("session.model", "a string");
        }

        if (session["audio"]?["input"]?["turn_detection"] is JsonObject turn)
        {
            foreach (var field in SipForbiddenTurnFields)
            {
                if (turn.ContainsKey(field))
                {
                    return RealtimeProtocolError.Unknown("session.audio.input.turn_detection." + field);
                }
            }
        }

        var patch = (JsonObject)session.DeepClone();
        patch.Remove("model");
        var scratch = RealtimeSessionConfiguration.CreateDefault(options, "sess_validation", options.DefaultModel, 0, transcription: false);
        return scratch.TryApply(patch);
    }
}
