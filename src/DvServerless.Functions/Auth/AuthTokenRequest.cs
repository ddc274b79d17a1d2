namespace DvServerless.Functions.Auth;

/// <summary>The body of <c>POST /api/v1/auth/token</c>.</summary>
/// <param name="ApiKey">The tenant's (or the admin's) API key.</param>
public sealed record AuthTokenRequest(string ApiKey);
