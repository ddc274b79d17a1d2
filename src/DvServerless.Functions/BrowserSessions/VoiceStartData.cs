using System.Text.Json.Serialization;

namespace DvServerless.Functions.BrowserSessions;

/// <summary>What <c>voice/start</c> answers in <c>data</c>: the session and how to connect to it.</summary>
public sealed record VoiceStartData(
    [property: JsonPropertyName("room_name")] string RoomName,
    [property: JsonPropertyName("user_name")] string UserName,
    [property: JsonPropertyName("rtc_info")] VoiceRtcInfo RtcInfo);
