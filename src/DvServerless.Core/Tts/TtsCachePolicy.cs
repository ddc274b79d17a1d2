namespace DvServerless.Core.Tts;

/// <summary>
/// When cached prompts expire and which are evicted: entries older than <see cref="TimeToLive"/> (counted from
/// creation, so a voice or provider change is picked up within the TTL) expire; beyond <see cref="MaxEntries"/> per
/// tenant the least recently used go.
/// </summary>
public sealed record TtsCachePolicy
{
    /// <summary>The default time to live: 7 days.</summary>
    public static readonly TimeSpan DefaultTimeToLive = TimeSpan.FromDays(7);

    /// <summary>How long an entry is served after it was created.</summary>
    public TimeSpan TimeToLive { get; init; } = DefaultTimeToLive;

    /// <summary>The most entries kept per tenant.</summary>
    public int MaxEntries { get; init; } = 500;

    /// <summary>
    /// Hits closer together than this do not rewrite the last-hit time (one metadata write per hit would double the
    /// requests of a busy prompt; LRU order at minute resolution is plenty).
    /// </summary>
    public TimeSpan LastHitResolution { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Whether an entry created at <paramref name="createdAt"/> is still served at <paramref name="now"/>.</summary>
    public bool IsFresh(DateTimeOffset createdAt, DateTimeOffset now) => now - createdAt < TimeToLive;

    /// <summary>The entries to delete at <paramref name="now"/>: every expired entry, then the least recently used beyond <see cref="MaxEntries"/>.</summary>
    public IReadOnlyList<TtsCacheEntryInfo> SelectEvictions(IEnumerable<TtsCacheEntryInfo> entries, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var all = entries.ToList();
        var evict = all.Where(e => !IsFresh(e.CreatedAt, now)).ToList();
        var live = all.Where(e => IsFresh(e.CreatedAt, now))
            .OrderByDescending(e => e.LastHitAt)
            .ThenByDescending(e => e.CreatedAt)
            .ThenBy(e => e.Key, StringComparer.Ordinal)
            .ToList();
        if (live.Count > MaxEntries)
        {
            evict.AddRange(live.Skip(Math.Max(0, MaxEntries)));
        }

        return evict;
    }
}
