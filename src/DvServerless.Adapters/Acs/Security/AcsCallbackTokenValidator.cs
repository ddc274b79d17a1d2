using DvServerless.Adapters.Tenants;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace DvServerless.Adapters.Acs.Security;

/// <summary>
/// Checks the <c>Authorization: Bearer</c> JWT ACS puts on every callback (5-minute lifetime) and on the media
/// WebSocket upgrade (24 hours) — PROTOCOL §3.4, §5.1: RS256 only, issuer
/// <c>https://acscallautomation.communication.azure.com</c>, audience the ACS immutable resource id, current lifetime
/// by the injected <see cref="TimeProvider"/>, signed by a key from the OpenID configuration's JWKS. The configuration
/// is cached and refreshed by <see cref="ConfigurationManager{T}"/>; a token signed with a key id not in the cached
/// set triggers one refresh (ACS rotating keys) before it is refused. Fails closed: no keys, no entry.
/// </summary>
public sealed partial class AcsCallbackTokenValidator
{
    /// <summary>Tolerated clock difference between ACS and this instance.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(1);

    private readonly AcsCallbackAuthOptions _options;
    private readonly ConfigurationManager<OpenIdConnectConfiguration>? _configuration;
    private readonly TimeProvider _time;
    private readonly ILogger<AcsCallbackTokenValidator> _logger;
    private readonly JsonWebTokenHandler _handler = new();

    /// <summary>
    /// Creates the validator. <paramref name="httpClient"/> fetches the OpenID configuration and keys (null: a default
    /// client); throws <see cref="ArgumentException"/> when the options are invalid.
    /// </summary>
    public AcsCallbackTokenValidator(AcsCallbackAuthOptions options, TimeProvider timeProvider, ILogger<AcsCallbackTokenValidator> logger, HttpClient? httpClient = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }

        _options = options;
        _time = timeProvider;
        _logger = logger;
        if (options.Enabled)
        {
            var url = new Uri(options.OpenIdConfigurationUrl);
            var retriever = httpClient is null ? new HttpDocumentRetriever() : new HttpDocumentRetriever(httpClient);
            // The simulator serves plain http on loopback; everything else must be https (checked by Validate).
            retriever.RequireHttps = !url.IsLoopback;
            _configuration = new ConfigurationManager<OpenIdConnectConfiguration>(
                options.OpenIdConfigurationUrl, new OpenIdConnectConfigurationRetriever(), retriever)
            {
                // Unknown key ids may force a refresh at most this often, so forged kids cannot flood the key endpoint.
                RefreshInterval = TimeSpan.FromSeconds(1),
            };
        }
    }

    /// <summary>Checks the value of an <c>Authorization</c> header (<c>Bearer &lt;jwt&gt;</c>).</summary>
    public Task<AcsCallbackTokenValidation> ValidateAuthorizationHeaderAsync(string? authorization, CancellationToken cancellationToken = default)
    {
        const string Scheme = "Bearer ";
        var token = authorization is not null && authorization.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase)
            ? authorization[Scheme.Length..].Trim()
            : null;
        return ValidateTokenAsync(token, cancellationToken);
    }

    /// <summary>Checks a compact JWT.</summary>
    public async Task<AcsCallbackTokenValidation> ValidateTokenAsync(string? token, CancellationToken cancellationToken = default)
    {
        if (_configuration is null)
        {
            return new(AcsCallbackTokenStatus.NotChecked);
        }

        if (string.IsNullOrWhiteSpace(token))
        {
            LogRefused("missing");
            return new(AcsCallbackTokenStatus.Missing);
        }

        OpenIdConnectConfiguration configuration;
        try
        {
            configuration = await _configuration.GetConfigurationAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidOperationException or HttpRequestException or IOException)
        {
            LogKeysUnavailable(e.GetType().Name);
            return new(AcsCallbackTokenStatus.KeysUnavailable);
        }

        var result = await ValidateWithAsync(token, configuration).ConfigureAwait(false);
        if (result.Exception is SecurityTokenSignatureKeyNotFoundException)
        {
            // A key id we do not know: ACS may have rotated its keys. Refresh once and try again.
            _configuration.RequestRefresh();
            try
            {
                var refreshed = await _configuration.GetConfigurationAsync(cancellationToken).ConfigureAwait(false);
                result = await ValidateWithAsync(token, refreshed).ConfigureAwait(false);
            }
            catch (Exception e) when (e is InvalidOperationException or HttpRequestException or IOException)
            {
                LogKeysUnavailable(e.GetType().Name);
                return new(AcsCallbackTokenStatus.KeysUnavailable);
            }
        }

        if (!result.IsValid)
        {
            LogRefused(result.Exception?.GetType().Name ?? "invalid");
            return new(AcsCallbackTokenStatus.Invalid);
        }

        var lifetime = TokenLifetime.Check(result.SecurityToken as JsonWebToken, _time.GetUtcNow(), ClockSkew);
        if (lifetime != TokenLifetimeCheck.Current)
        {
            LogRefused(lifetime.ToString());
            return new(lifetime == TokenLifetimeCheck.Expired ? AcsCallbackTokenStatus.Expired : AcsCallbackTokenStatus.Invalid);
        }

        return new(AcsCallbackTokenStatus.Valid);
    }

    private Task<TokenValidationResult> ValidateWithAsync(string token, OpenIdConnectConfiguration configuration) =>
        _handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = AcsCallbackAuthOptions.AcsIssuer,
            ValidAudience = _options.ResourceId,
            ValidateIssuer = true,
            ValidateAudience = true,
            // RS256 only: refuses alg "none" and HS256 signed with the public key (algorithm confusion).
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
            IssuerSigningKeys = configuration.SigningKeys,
            TryAllIssuerSigningKeys = false,
            ValidateIssuerSigningKey = true,
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            // Lifetime is checked against the injected TimeProvider after the signature.
            ValidateLifetime = false,
        });

    [LoggerMessage(EventId = 5401, Level = LogLevel.Warning, Message = "ACS token refused: {Reason}.")]
    private partial void LogRefused(string reason);

    [LoggerMessage(EventId = 5402, Level = LogLevel.Error, Message = "ACS signing keys unavailable ({Error}); refusing callbacks until they can be fetched.")]
    private partial void LogKeysUnavailable(string error);
}
