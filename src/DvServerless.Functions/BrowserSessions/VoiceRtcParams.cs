using System.Text.Json.Serialization;

namespace DvServerless.Functions.BrowserSessions;

/// <summary>
/// Where the page connects: <c>url + "?token=" + encodeURIComponent(token)</c>. The token is a single-use media token
/// (purpose browser media) bound to the session, valid for <c>MediaWorker:TokenLifetime</c>.
/// </summary>
public sealed record VoiceRtcParams(
    [property: JsonPropertyName("app_id")] string? AppId,
    [property: JsonPropertyName("token")] string Token,
    [property: JsonPropertyName("url")] string Url);
