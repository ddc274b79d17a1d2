using System.Collections.Concurrent;

namespace DvServerless.Adapters.Live;

/// <summary>
/// Tokens signed with the access key, as the Management SDK makes them: <c>aud</c> is the full request URL with its
/// <c>api-version</c> query (HOSTING.md §5.2) and the token lives <see cref="Lifetime"/>. One token per URL (in practice
/// one per group) is kept until <see cref="RenewBefore"/> its expiry.
/// </summary>
public sealed class AzureSignalRAccessKeyTokenSource : IAzureSignalRTokenSource
{
    /// <summary>How long a token is valid: the SDK's default.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    /// <summary>How long before its expiry a cached token is replaced.</summary>
    public static readonly TimeSpan RenewBefore = TimeSpan.FromMinutes(5);

    // Bounded by the number of groups (tenants + admin); cleared if it ever grows past that by a wide margin.
    private const int MaxCached = 1024;

    private readonly AzureSignalRAccessKey _key;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, (string Token, DateTimeOffset Expires)> _tokens = new(StringComparer.Ordinal);

    /// <summary>Creates the source.</summary>
    public AzureSignalRAccessKeyTokenSource(AzureSignalRAccessKey key, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _key = key;
        _time = timeProvider;
    }

    /// <inheritdoc />
    public ValueTask<string> GetTokenAsync(Uri requestUri, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requestUri);
        var audience = requestUri.AbsoluteUri;
        var now = _time.GetUtcNow();
        if (_tokens.TryGetValue(audience, out var cached) && cached.Expires - RenewBefore > now)
        {
            return ValueTask.FromResult(cached.Token);
        }

        // JWT times are whole seconds.
        var expires = DateTimeOffset.FromUnixTimeSeconds((now + Lifetime).ToUnixTimeSeconds());
        var token = _key.IssueToken(audience, expires);
        if (_tokens.Count >= MaxCached)
        {
            _tokens.Clear();
        }

        _tokens[audience] = (token, expires);
        return ValueTask.FromResult(token);
    }
}
