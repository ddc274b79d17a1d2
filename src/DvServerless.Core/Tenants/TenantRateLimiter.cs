namespace DvServerless.Core.Tenants;

/// <summary>
/// Fixed-window rate limit per tenant per minute (<see cref="TenantsOptions.RateLimitPerMinute"/>, default 300).
/// Every request counts, refused ones too, so a client hammering past the limit does not get a fresh budget sooner.
/// Windows are aligned to the UTC minute, so every instance agrees on them; the counts live in an
/// <see cref="IRateLimitCounterStore"/>, so with a shared store the limit holds across instances.
/// </summary>
/// <remarks>
/// A fixed window lets a client make up to twice the limit across a window boundary (end of one minute, start of the
/// next); that bound is accepted for its simplicity and single counter per request. On refusal the endpoint answers
/// <c>429</c> with <c>Retry-After: RetryAfterSeconds</c> and <c>{"error":"rate limit exceeded","retryAfter":N}</c>.
/// </remarks>
public sealed class TenantRateLimiter
{
    /// <summary>The window length.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly IRateLimitCounterStore _store;
    private readonly TimeProvider _time;

    /// <summary>Creates the limiter over <paramref name="store"/> with <paramref name="limitPerMinute"/> requests per window.</summary>
    public TenantRateLimiter(IRateLimitCounterStore store, int limitPerMinute, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentOutOfRangeException.ThrowIfLessThan(limitPerMinute, 1);
        _store = store;
        _time = timeProvider;
        LimitPerMinute = limitPerMinute;
    }

    /// <summary>The limit per window.</summary>
    public int LimitPerMinute { get; }

    /// <summary>Counts one request of <paramref name="tenantId"/> and says whether it is within the limit.</summary>
    public async ValueTask<RateLimitDecision> TryAcquireAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        var now = _time.GetUtcNow();
        var windowStart = WindowStartOf(now);
        var count = await _store.IncrementAsync(tenantId, windowStart, cancellationToken).ConfigureAwait(false);
        if (count <= LimitPerMinute)
        {
            return new RateLimitDecision(true, 0, count, LimitPerMinute);
        }

        var remaining = windowStart + Window - now;
        var retryAfter = Math.Max(1, (int)Math.Ceiling(remaining.TotalSeconds));
        return new RateLimitDecision(false, retryAfter, count, LimitPerMinute);
    }

    /// <summary>The start of the window <paramref name="at"/> falls in (the UTC minute).</summary>
    public static DateTimeOffset WindowStartOf(DateTimeOffset at)
    {
        var utc = at.ToUniversalTime();
        return new DateTimeOffset(utc.UtcTicks - (utc.UtcTicks % Window.Ticks), TimeSpan.Zero);
    }
}
