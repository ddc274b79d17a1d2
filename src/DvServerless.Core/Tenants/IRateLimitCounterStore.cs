namespace DvServerless.Core.Tenants;

/// <summary>
/// The shared counters behind <see cref="TenantRateLimiter"/>: one counter per tenant per fixed window. Implementations
/// shared by several instances (Blob storage) make the limit hold across all of them.
/// </summary>
public interface IRateLimitCounterStore
{
    /// <summary>
    /// Adds one to the counter of <paramref name="tenantId"/> for the window starting at <paramref name="windowStart"/>
    /// (creating it at zero first) and returns the count after the increment.
    /// </summary>
    ValueTask<long> IncrementAsync(string tenantId, DateTimeOffset windowStart, CancellationToken cancellationToken = default);
}
