using System.Text.Json.Serialization;

namespace DvServerless.Functions.BrowserSessions;

/// <summary>What <c>voice/stop|interrupt|audio</c> answer in <c>data</c>: the session the command reached.</summary>
public sealed record VoiceRoomData([property: JsonPropertyName("room_name")] string RoomName);
