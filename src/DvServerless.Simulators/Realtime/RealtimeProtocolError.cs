namespace DvServerless.Simulators.Realtime;

/// <summary>An <c>invalid_request_error</c> to send back for a client event; the session stays open.</summary>
internal sealed record RealtimeProtocolError(string Code, string Message, string? Param = null)
{
    public static RealtimeProtocolError Missing(string param) =>
        new("missing_required_parameter", $"Missing required parameter: '{param}'.", param);

    public static RealtimeProtocolError Unknown(string param) =>
        new("unknown_parameter", $"Unknown parameter: '{param}'.", param);

    public static RealtimeProtocolError InvalidType(string param, string expected) =>
        new("invalid_type", $"Invalid type for '{param}': expected {expected}.", param);

    public static RealtimeProtocolError InvalidValue(string param, string message) =>
        new("invalid_value", message, param);
}
