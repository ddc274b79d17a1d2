using Azure.Core;

namespace DvServerless.Adapters.Live;

/// <summary>
/// Microsoft Entra tokens for the REST API: one token for the scope <see cref="Scope"/> (any URL of the service), from a
/// <see cref="TokenCredential"/> (the app's managed identity in Azure), kept until <see cref="RenewBefore"/> the expiry
/// the credential reports. The identity needs a role that allows REST sends (SignalR REST API Owner or Service Owner).
/// </summary>
public sealed class AzureSignalREntraTokenSource : IAzureSignalRTokenSource
{
    /// <summary>The scope Azure SignalR Service tokens are requested for.</summary>
    public const string Scope = "https://signalr.azure.com/.default";

    /// <summary>How long before its expiry a cached token is replaced.</summary>
    public static readonly TimeSpan RenewBefore = TimeSpan.FromMinutes(5);

    private readonly TokenCredential _credential;
    private readonly TimeProvider _time;
    // A reference, so that readers on other threads see a whole token or none; two callers that find it expired at the
    // same moment may both ask the credential (which caches too), which is cheaper than a lock on every send.
    private volatile CachedToken? _token;

    /// <summary>Creates the source.</summary>
    public AzureSignalREntraTokenSource(TokenCredential credential, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(credential);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _credential = credential;
        _time = timeProvider;
    }

    /// <summary>The credential tokens come from (managed identity or DefaultAzureCredential).</summary>
    public TokenCredential Credential => _credential;

    /// <inheritdoc />
    public async ValueTask<string> GetTokenAsync(Uri requestUri, CancellationToken cancellationToken)
    {
        if (_token is { } cached && cached.ExpiresOn - RenewBefore > _time.GetUtcNow())
        {
            return cached.Token;
        }

        var token = await _credential.GetTokenAsync(new TokenRequestContext([Scope]), cancellationToken).ConfigureAwait(false);
        _token = new CachedToken(token.Token, token.ExpiresOn);
        return token.Token;
    }

    private sealed record CachedToken(string Token, DateTimeOffset ExpiresOn);
}
