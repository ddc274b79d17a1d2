using System.Collections.Concurrent;
using DvServerless.Core.Security;

namespace DvServerless.MediaWorker.Security;

/// <summary>
/// Makes media tokens single-use: the first accepted socket or internal request consumes its token, and a second use of
/// the same token is refused (403) even while it is still unexpired. Tokens are remembered by their id (<c>jti</c>, a
/// random value the signature covers) until they expire; expired entries are swept as new tokens arrive.
/// </summary>
/// <remarks>
/// The set is in this process's memory. That is enough because a token names one call and the worker instance that runs
/// the call is the one that is reached; a replay that lands on another instance of a scaled-out worker is not caught here,
/// but it still needs a token that has not expired (2 minutes by default) for that very call. A restart forgets used
/// tokens for the same bound. Only validated tokens are remembered, so the set cannot be filled by forged ones. ACS opens
/// the media socket once per answer and the Functions app mints a fresh token per internal request, so a legitimate
/// caller never presents a token twice.
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
    /// Consumes the token of a valid <paramref name="validation"/>; false when it was consumed before. Call right before
    /// acting on the request.
    /// </summary>
    public bool TryConsume(MediaTokenValidation validation)
    {
        if (!validation.IsValid || validation.TokenId is null || validation.ExpiresAt is null)
        {
            throw new ArgumentException("Only a valid token can be consumed.", nameof(validation));
        }

        return TryConsume(validation.TokenId, validation.ExpiresAt.Value);
    }

    /// <summary>Consumes the token with id <paramref name="tokenId"/> (valid until <paramref name="expiresAt"/>); false when it was consumed before.</summary>
    public bool TryConsume(string tokenId, DateTimeOffset expiresAt)
    {
        ArgumentException.ThrowIfNullOrEmpty(tokenId);
        var now = _time.GetUtcNow();
        SweepIfDue(now);
        return _used.TryAdd(tokenId, expiresAt);
    }

    /// <summary>Whether the token of <paramref name="validation"/> was consumed before (and has not expired since); consumes nothing.</summary>
    public bool WasConsumed(MediaTokenValidation validation) =>
        validation.TokenId is { Length: > 0 } id && _used.TryGetValue(id, out var expiresAt) && expiresAt > _time.GetUtcNow();

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
