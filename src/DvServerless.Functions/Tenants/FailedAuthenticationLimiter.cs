using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace DvServerless.Functions.Tenants;

/// <summary>
/// Counts failed API authentications per client address in fixed one-minute windows, in memory (per instance): past
/// <see cref="FailedAuthenticationOptions.MaxFailuresPerMinute"/> an address is refused with 429 before its failure costs
/// an audit write, so guessing keys can neither flood storage nor bury the audit log.
/// </summary>
public sealed class FailedAuthenticationLimiter
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, Counter> _counters = new(StringComparer.Ordinal);
    private readonly FailedAuthenticationOptions _options;
    private readonly TimeProvider _time;

    /// <summary>Creates the limiter.</summary>
    public FailedAuthenticationLimiter(IOptions<FailedAuthenticationOptions> options, TimeProvider time)
    {
        _options = options.Value;
        _time = time;
    }

    /// <summary>
    /// Records one failed authentication from <paramref name="address"/>. Returns null while the address is within its
    /// limit, otherwise the seconds until its window ends (for <c>Retry-After</c>).
    /// </summary>
    public int? RecordFailure(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var now = _time.GetUtcNow();
        var windowStart = now.UtcTicks - (now.UtcTicks % Window.Ticks);
        if (_counters.Count >= _options.MaxTrackedAddresses && !_counters.ContainsKey(address))
        {
            Prune(windowStart);
        }

        var counter = _counters.GetOrAdd(address, static _ => new Counter());
        int count;
        lock (counter)
        {
            if (counter.WindowStart != windowStart)
            {
                counter.WindowStart = windowStart;
                counter.Count = 0;
            }

            count = ++counter.Count;
        }

        if (count <= _options.MaxFailuresPerMinute)
        {
            return null;
        }

        var remaining = TimeSpan.FromTicks(windowStart + Window.Ticks - now.UtcTicks);
        return Math.Max(1, (int)Math.Ceiling(remaining.TotalSeconds));
    }

    private void Prune(long windowStart)
    {
        foreach (var (address, counter) in _counters)
        {
            if (counter.WindowStart != windowStart)
            {
                _counters.TryRemove(address, out _);
            }
        }

        // Still full of addresses active in this very window: drop arbitrary ones rather than grow without bound.
        foreach (var address in _counters.Keys.Take(Math.Max(0, _counters.Count - (_options.MaxTrackedAddresses / 2))))
        {
            _counters.TryRemove(address, out _);
        }
    }

    private sealed class Counter
    {
        public long WindowStart { get; set; }

        public int Count { get; set; }
    }
}
