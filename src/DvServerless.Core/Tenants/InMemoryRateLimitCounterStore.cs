using System.Collections.Concurrent;

namespace DvServerless.Core.Tenants;

/// <summary>
/// <see cref="IRateLimitCounterStore"/> in process memory: exact for one instance (tests, local runs, a single
/// worker). Counters of windows older than the newest one seen are dropped as new windows start.
/// </summary>
public sealed class InMemoryRateLimitCounterStore : IRateLimitCounterStore
{
    private readonly ConcurrentDictionary<(string TenantId, DateTimeOffset Window), StrongBox> _counters = new();
    private long _newestWindowTicks;

    /// <inheritdoc />
    public ValueTask<long> IncrementAsync(string tenantId, DateTimeOffset windowStart, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        var ticks = windowStart.UtcTicks;
        var newest = Interlocked.Read(ref _newestWindowTicks);
        if (ticks > newest && Interlocked.CompareExchange(ref _newestWindowTicks, ticks, newest) == newest)
        {
            foreach (var key in _counters.Keys)
            {
                if (key.Window.UtcTicks < newest)
                {
                    _counters.TryRemove(key, out _);
                }
            }
        }

        var counter = _counters.GetOrAdd((tenantId, windowStart), static _ => new StrongBox());
        return ValueTask.FromResult(Interlocked.Increment(ref counter.Value));
    }

    private sealed class StrongBox
    {
        public long Value;
    }
}
