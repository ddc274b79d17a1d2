using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace DvServerless.MediaWorker.Security;

/// <summary>
/// Makes media-socket tokens single-use: the first accepted socket consumes its token, and a second upgrade with the same
/// token is refused (403) even while it is still unexpired. Tokens are remembered (as a SHA-256 of the token, never the
/// token) until they expire; expired entries are swept as new tokens arrive.
/// </summary>
/// <remarks>
/// The set is in this process's memory. That is enough because a token names one call and the worker instance that runs
/// the call is the one ACS connects to; a replay that lands on another instance of a scaled-out worker is not caught here,
/// but it still needs a token that has not expired (2 minutes by default) for that very call. A restart forgets used
/// tokens for the same bound. ACS opens the media socket once per answer, so a legitimate caller never presents a token twice.
/// </remarks>
public sealed class MediaTokenReplayGuard
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _used = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private long _nextSweepTicks;

    /// <summary>Creates the guard.</summary>
    public MediaTokenReplayGuard(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _time = timeProvider;
    }

    /// <summary>How many tokens are remembered now.</summary>
    public int Count => _used.Count;

    /// <summary>
    /// Consumes <paramref name="token"/> (valid until <paramref name="expiresAt"/>); false when it was consumed before.
    /// Call only for a token that passed validation, right before accepting the socket.
    /// </summary>
    public bool TryConsume(string token, DateTimeOffset expiresAt)
    {
        ArgumentException.ThrowIfNullOrEmpty(token);
        var now = _time.GetUtcNow();
        SweepIfDue(now);
        return _used.TryAdd(Key(token), expiresAt);
    }

    /// <summary>Whether <paramref name="token"/> was consumed before (and has not expired since); consumes nothing.</summary>
    public bool WasConsumed(string token)
    {
        ArgumentException.ThrowIfNullOrEmpty(token);
        return _used.TryGetValue(Key(token), out var expiresAt) && expiresAt > _time.GetUtcNow();
    }

    private static string Key(string token) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private void SweepIfDue(DateTimeOffset now)
    {
        var due = Interlocked.Read(ref _nextSweepTicks);
        if (now.UtcTicks < due || Interlocked.CompareExchange(ref _nextSweepTicks, now.UtcTicks + TimeSpan.TicksPerMinute, due) != due)
        {
            return;
        }

        foreach (var (key, expiresAt) in _used)
        {
            if (expiresAt <= now)
            {
                _used.TryRemove(key, out _);
            }
        }
    }
}
