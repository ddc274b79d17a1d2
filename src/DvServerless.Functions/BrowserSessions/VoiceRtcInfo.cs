using System.Text.Json.Serialization;

namespace DvServerless.Functions.BrowserSessions;

/// <summary>The media connection of a browser session: who serves it and how to reach it.</summary>
public sealed record VoiceRtcInfo(
    [property: JsonPropertyName("vendor")] string Vendor,
    [property: JsonPropertyName("user_id")] string UserId,
    [property: JsonPropertyName("params")] VoiceRtcParams Params);
