using System.Text.Json.Serialization;

namespace DvServerless.Functions.BrowserSessions;

/// <summary>The body of <c>POST /api/v1/voice/start</c> (every field optional; snake_case as the browser SDK sends it).</summary>
public sealed record VoiceStartRequest
{
    /// <summary>The name the page shows for its user; <c>guest</c> when absent.</summary>
    [JsonPropertyName("user_name")]
    public string? UserName { get; init; }

    /// <summary>What the agent says first; the agent's own greeting when absent.</summary>
    [JsonPropertyName("welcome")]
    public string? Welcome { get; init; }

    /// <summary>The longest the session may last, in seconds (1–7200); the worker's default when absent.</summary>
    [JsonPropertyName("max_duration")]
    public int? MaxDuration { get; init; }

    /// <summary>The engine the page expects (e.g. <c>realtime</c>); the worker's configured engine when absent.</summary>
    [JsonPropertyName("expected_engine_id")]
    public string? ExpectedEngineId { get; init; }

    /// <summary>A free code the caller uses to group sessions (a campaign, a page).</summary>
    [JsonPropertyName("segment_code")]
    public string? SegmentCode { get; init; }
}
