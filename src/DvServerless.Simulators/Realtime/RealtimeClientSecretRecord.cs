using System.Text.Json.Nodes;

namespace DvServerless.Simulators.Realtime;

/// <summary>One ephemeral key the simulator minted (<c>POST /v1/realtime/client_secrets</c>).</summary>
/// <param name="Value">The key (<c>ek_…</c>).</param>
/// <param name="ExpiresAt">When it expires, in Unix seconds.</param>
/// <param name="Session">The effective session configuration it was minted with.</param>
public sealed record RealtimeClientSecretRecord(string Value, long ExpiresAt, JsonObject Session);
