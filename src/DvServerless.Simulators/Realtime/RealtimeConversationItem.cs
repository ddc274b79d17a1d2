using System.Text.Json.Nodes;

namespace DvServerless.Simulators.Realtime;

/// <summary>One conversation item; assistant audio items also track how much audio was produced for them.</summary>
internal sealed class RealtimeConversationItem(string id, string type, string? role, JsonObject json)
{
    public string Id { get; } = id;

    public string Type { get; } = type;

    public string? Role { get; } = role;

    /// <summary>The item as the service shows it in events.</summary>
    public JsonObject Json { get; } = json;

    public string Transcript { get; set; } = string.Empty;

    public double ProducedAudioMs { get; set; }

    public bool HasAudio { get; set; }
}
