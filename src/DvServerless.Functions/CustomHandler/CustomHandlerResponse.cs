using System.Text.Json.Serialization;

namespace DvServerless.Functions.CustomHandler;

/// <summary>
/// The reply to a non-HTTP invocation: <c>{"Outputs":{binding: value},"Logs":["…"],"ReturnValue": value}</c>, sent with
/// HTTP 200 (any other status fails the invocation). The host tries to base64-decode string outputs, so outputs
/// should be objects or arrays, never bare strings.
/// </summary>
public sealed class CustomHandlerResponse
{
    /// <summary>Output bindings by name.</summary>
    [JsonPropertyName("Outputs")]
    public Dictionary<string, object?> Outputs { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Lines the host logs at Information. Never put secrets or personal data here.</summary>
    [JsonPropertyName("Logs")]
    public List<string> Logs { get; init; } = [];

    /// <summary>The <c>$return</c> binding's value.</summary>
    [JsonPropertyName("ReturnValue")]
    public object? ReturnValue { get; init; }
}
