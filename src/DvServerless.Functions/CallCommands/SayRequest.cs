using System.Text.Json.Serialization;

namespace DvServerless.Functions.CallCommands;

/// <summary>The body of <c>POST /api/v1/sessions/{id}/say</c> and <c>POST /api/v1/say</c>.</summary>
/// <param name="Text">What to say (1–1000 characters).</param>
/// <param name="Voice">The provider voice id; omitted for the tenant's default voice.</param>
/// <param name="Interrupt">True to cut the agent's current audio first, as a barge-in would; else it plays after the agent's current response.</param>
public sealed record SayRequest(
    [property: JsonPropertyName("text")] string? Text,
    [property: JsonPropertyName("voice")] string? Voice = null,
    [property: JsonPropertyName("interrupt")] bool? Interrupt = null);
