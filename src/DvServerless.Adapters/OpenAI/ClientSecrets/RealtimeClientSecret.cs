namespace DvServerless.Adapters.OpenAI.ClientSecrets;

/// <summary>An ephemeral key. <see cref="Value"/> is a credential: hand it to the one browser that asked, never log it.</summary>
/// <param name="Value">The secret (<c>ek_…</c>).</param>
/// <param name="ExpiresAt">When it stops creating sessions (a running session outlives it).</param>
public sealed record RealtimeClientSecret(string Value, DateTimeOffset ExpiresAt);
