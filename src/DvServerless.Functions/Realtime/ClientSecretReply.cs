using System.Text.Json.Serialization;

namespace DvServerless.Functions.Realtime;

/// <summary>An ephemeral Realtime key for the caller's page: <c>{value:"ek_…", expires_at:&lt;unix seconds&gt;}</c>.</summary>
public sealed record ClientSecretReply(
    [property: JsonPropertyName("value")] string Value,
    [property: JsonPropertyName("expires_at")] long ExpiresAt);
