namespace DvServerless.Core.Tenants;

/// <summary>The outcome of one <see cref="TenantRateLimiter.TryAcquireAsync"/>.</summary>
/// <param name="Allowed">Whether the request may proceed.</param>
/// <param name="RetryAfterSeconds">When refused: whole seconds until the window resets (at least 1); 0 when allowed.</param>
/// <param name="Count">Requests counted in the current window, this one included.</param>
/// <param name="Limit">The limit per window.</param>
public readonly record struct RateLimitDecision(bool Allowed, int RetryAfterSeconds, long Count, int Limit);
