using System.Text.Json.Serialization;

namespace DvServerless.Functions.BrowserSessions;

/// <summary>The body of <c>POST /api/v1/voice/stop|interrupt|audio</c>: the session (<c>room_name</c>) and, for audio, whether the caller is heard.</summary>
public sealed record VoiceRoomRequest
{
    /// <summary>The session id that <c>voice/start</c> returned.</summary>
    [JsonPropertyName("room_name")]
    public string? RoomName { get; init; }

    /// <summary>For <c>voice/audio</c> (required there): false mutes the caller, true unmutes.</summary>
    [JsonPropertyName("enabled")]
    public bool? Enabled { get; init; }
}
