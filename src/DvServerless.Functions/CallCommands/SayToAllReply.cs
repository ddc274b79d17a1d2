using System.Text.Json.Serialization;

namespace DvServerless.Functions.CallCommands;

/// <summary>The answer to <c>POST /api/v1/say</c>.</summary>
/// <param name="Reached">Live calls that now speak the text.</param>
/// <param name="Live">Calls of the tenant that were live when the request came; the difference ended meanwhile or failed (logged).</param>
public sealed record SayToAllReply(
    [property: JsonPropertyName("reached")] int Reached,
    [property: JsonPropertyName("live")] int Live);
