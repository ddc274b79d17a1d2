using System.Text.Json.Nodes;

namespace DvServerless.Adapters.OpenAI.ClientSecrets;

/// <summary>
/// Mints Realtime ephemeral keys (<c>POST /v1/realtime/client_secrets</c>, PROTOCOL §4): a short-lived <c>ek_…</c> secret
/// that lets a browser open a Realtime session with the given configuration without holding the real key.
/// </summary>
public interface IRealtimeClientSecrets
{
    /// <summary>
    /// Mints a secret for <paramref name="session"/> (a GA <c>RealtimeSessionCreateRequestGA</c> object) that can create
    /// sessions for <paramref name="expiresAfterSeconds"/> seconds (10–7200).
    /// </summary>
    Task<RealtimeClientSecretResult> CreateAsync(JsonObject session, int expiresAfterSeconds, CancellationToken cancellationToken);
}
