namespace DvServerless.Adapters.Tenants;

/// <summary>An issued API token: the body of <c>POST /api/v1/auth/token</c>'s response.</summary>
/// <param name="Token">The compact JWT.</param>
/// <param name="ExpiresAt">When it stops being accepted.</param>
public sealed record TenantToken(string Token, DateTimeOffset ExpiresAt);
