using System.Text.Json.Serialization;

namespace DvServerless.Functions.Realtime;

/// <summary>The optional body of <c>POST /api/v1/realtime/client-secret</c>.</summary>
public sealed record ClientSecretRequest
{
    /// <summary>How long the key may create sessions, in seconds (10–7200); 600 when absent.</summary>
    [JsonPropertyName("expires_after_seconds")]
    public int? ExpiresAfterSeconds { get; init; }
}
