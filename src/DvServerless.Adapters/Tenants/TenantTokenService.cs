using System.Security.Cryptography;
using System.Text;
using DvServerless.Core.Tenants;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace DvServerless.Adapters.Tenants;

/// <summary>
/// Issues and checks the short-lived API tokens a tenant (or the admin) gets for its API key: HS256 JWTs with the
/// claims <c>tenant</c> (absent for the admin) and <c>role</c> (<c>tenant</c> or <c>admin</c>), issuer, audience and a
/// 15-minute lifetime by default. Validation accepts HS256 only (so <c>alg: none</c> and algorithm confusion fail),
/// requires a signature by the configured key, the issuer, the audience and an unexpired lifetime by
/// <see cref="TimeProvider"/>. Tokens are never logged.
/// </summary>
public sealed partial class TenantTokenService
{
    /// <summary>The claim holding the tenant id.</summary>
    public const string TenantClaim = "tenant";

    /// <summary>The claim holding the role.</summary>
    public const string RoleClaim = "role";

    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly TenantTokenOptions _options;
    private readonly SymmetricSecurityKey _key;
    private readonly SigningCredentials _credentials;
    private readonly TimeProvider _time;
    private readonly ILogger<TenantTokenService> _logger;

    /// <summary>Creates the service; throws <see cref="ArgumentException"/> when the signing key is missing or shorter than 32 bytes.</summary>
    public TenantTokenService(TenantTokenOptions options, TimeProvider timeProvider, ILogger<TenantTokenService> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _options = options;
        _time = timeProvider;
        _logger = logger;
        _key = new SymmetricSecurityKey(DecodeKey(options.SigningKey));
        _credentials = new SigningCredentials(_key, SecurityAlgorithms.HmacSha256);
        if (options.Lifetime <= TimeSpan.Zero)
        {
            throw new ArgumentException("Tenants:Tokens:Lifetime must be positive.", nameof(options));
        }
    }

    /// <summary>Issues a token for <paramref name="caller"/>.</summary>
    public TenantToken Issue(TenantCaller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var now = _time.GetUtcNow();
        var expires = now + _options.Lifetime;
        var claims = new Dictionary<string, object>
        {
            [RoleClaim] = caller.IsAdmin ? "admin" : "tenant",
            [JwtRegisteredClaimNames.Jti] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12)),
        };
        if (caller.TenantId is not null)
        {
            claims[TenantClaim] = caller.TenantId;
        }

        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = _options.Issuer,
            Audience = _options.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            Claims = claims,
            SigningCredentials = _credentials,
        });

        // JWT times are whole seconds: report the expiry the token actually carries.
        return new TenantToken(token, DateTimeOffset.FromUnixTimeSeconds(expires.ToUnixTimeSeconds()));
    }

    /// <summary>Checks <paramref name="token"/> (the part after <c>Bearer </c>).</summary>
    public async Task<TenantTokenValidation> ValidateAsync(string? token)
    {
        if (string.IsNullOrWhiteSpace(token))
        {
            return new(TenantTokenStatus.Missing, null);
        }

        var parameters = new TokenValidationParameters
        {
            ValidIssuer = _options.Issuer,
            ValidAudience = _options.Audience,
            IssuerSigningKey = _key,
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            // Lifetime is checked below against the injected TimeProvider, not the library's wall clock.
            ValidateLifetime = false,
        };

        var result = await _handler.ValidateTokenAsync(token, parameters).ConfigureAwait(false);
        if (!result.IsValid)
        {
            var expired = result.Exception is SecurityTokenExpiredException;
            LogRejected(expired ? "expired" : result.Exception?.GetType().Name ?? "invalid");
            return new(expired ? TenantTokenStatus.Expired : TenantTokenStatus.Invalid, null);
        }

        var lifetime = TokenLifetime.Check(result.SecurityToken as JsonWebToken, _time.GetUtcNow(), _options.ClockSkew);
        if (lifetime != TokenLifetimeCheck.Current)
        {
            LogRejected(lifetime == TokenLifetimeCheck.Expired ? "expired" : "outside its lifetime");
            return new(lifetime == TokenLifetimeCheck.Expired ? TenantTokenStatus.Expired : TenantTokenStatus.Invalid, null);
        }

        var role = result.Claims.TryGetValue(RoleClaim, out var r) ? r as string : null;
        var tenant = result.Claims.TryGetValue(TenantClaim, out var t) ? t as string : null;
        TenantCaller? caller = role switch
        {
            "admin" when tenant is null => TenantCaller.Admin,
            "tenant" when TenantIds.IsValid(tenant) => TenantCaller.ForTenant(tenant!),
            _ => null,
        };

        if (caller is null)
        {
            LogRejected("bad role or tenant claim");
            return new(TenantTokenStatus.Invalid, null);
        }

        return new(TenantTokenStatus.Valid, caller);
    }

    private static byte[] DecodeKey(string? key)
    {
        if (string.IsNullOrWhiteSpace(key))
        {
            throw new ArgumentException("Tenants:Tokens:SigningKey is required (base64 of at least 32 bytes).", nameof(key));
        }

        var buffer = new byte[key.Length];
        var bytes = Convert.TryFromBase64String(key, buffer, out var written) && written >= 32
            ? buffer.AsSpan(0, written).ToArray()
            : Encoding.UTF8.GetBytes(key);
        if (bytes.Length < 32)
        {
            throw new ArgumentException("Tenants:Tokens:SigningKey must be at least 32 bytes.", nameof(key));
        }

        return bytes;
    }

    [LoggerMessage(EventId = 5241, Level = LogLevel.Information, Message = "API token rejected: {Reason}.")]
    private partial void LogRejected(string reason);
}
