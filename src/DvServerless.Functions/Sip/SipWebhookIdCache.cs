using System.Collections.Concurrent;

namespace DvServerless.Functions.Sip;

/// <summary>
/// The <c>webhook-id</c>s this instance has seen lately: a cheap first gate that answers redeliveries and concurrent
/// copies without a storage round trip. The durable gate is the session document (created once per <c>call_id</c>);
/// this one only saves work and is bounded, so it never grows without limit.
/// </summary>
public sealed class SipWebhookIdCache
{
    /// <summary>How long an id is remembered (OpenAI retries for longer, but the session gate covers the rest).</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromMinutes(10);

    private const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<string, DateTimeOffset> _seen = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    /// <summary>Creates the cache.</summary>
    public SipWebhookIdCache(TimeProvider time) => _time = time;

    /// <summary>True the first time <paramref name="webhookId"/> is seen (within <see cref="Retention"/>).</summary>
    public bool TryAdd(string webhookId)
    {
        var now = _time.GetUtcNow();
        if (_seen.Count >= MaxEntries)
        {
            foreach (var (id, at) in _seen)
            {
                if (now - at > Retention)
                {
                    _seen.TryRemove(id, out _);
                }
            }
        }

        if (_seen.TryAdd(webhookId, now))
        {
            return true;
        }

        // An old entry is forgotten and the id counts as new; the session gate still stops a second accept.
        if (_seen.TryGetValue(webhookId, out var seenAt) && now - seenAt > Retention && _seen.TryUpdate(webhookId, now, seenAt))
        {
            return true;
        }

        return false;
    }

    /// <summary>Forgets <paramref name="webhookId"/>, so that a redelivery is handled (used when handling failed before any decision).</summary>
    public void Remove(string webhookId) => _seen.TryRemove(webhookId, out _);
}
