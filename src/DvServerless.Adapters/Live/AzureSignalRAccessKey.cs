using System.Text;
using DvServerless.Adapters.Tenants;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace DvServerless.Adapters.Live;

/// <summary>
/// An Azure SignalR Service access key and the bearer tokens made with it for the data-plane REST API: HS256 JWTs signed
/// with the key's UTF-8 bytes, <c>aud</c> the request URL and <c>exp</c> (HOSTING.md §5.2). The Functions app issues
/// them; the worker's local stand-in for the REST API checks them the way the service does.
/// </summary>
public sealed class AzureSignalRAccessKey
{
    /// <summary>The shortest key accepted: HS256 in the token library needs a key of at least 256 bits.</summary>
    public const int MinimumLength = 32;

    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly SymmetricSecurityKey _key;
    private readonly SigningCredentials _credentials;

    /// <summary>Wraps <paramref name="accessKey"/>; throws <see cref="ArgumentException"/> when it is shorter than <see cref="MinimumLength"/>.</summary>
    public AzureSignalRAccessKey(string accessKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(accessKey);
        if (accessKey.Length < MinimumLength)
        {
            throw new ArgumentException($"An Azure SignalR access key has at least {MinimumLength} characters.", nameof(accessKey));
        }

        _key = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(accessKey));
        _credentials = new SigningCredentials(_key, SecurityAlgorithms.HmacSha256);
    }

    /// <summary>A token for <paramref name="audience"/> (the full request URL) that expires at <paramref name="expires"/>.</summary>
    public string IssueToken(string audience, DateTimeOffset expires)
    {
        ArgumentException.ThrowIfNullOrEmpty(audience);
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Audience = audience,
            Expires = expires.UtcDateTime,
            SigningCredentials = _credentials,
        });
    }

    /// <summary>
    /// Checks <paramref name="token"/> (the part after <c>Bearer </c>): HS256 only, signed with this key, unexpired at
    /// <paramref name="now"/> (with <paramref name="clockSkew"/>), and an <c>aud</c> equal to one of
    /// <paramref name="audiences"/> (compared ignoring case, as URLs' scheme and host are).
    /// </summary>
    public async Task<AzureSignalRTokenStatus> ValidateAsync(string? token, IReadOnlyCollection<string> audiences, DateTimeOffset now, TimeSpan clockSkew)
    {
        ArgumentNullException.ThrowIfNull(audiences);
        if (string.IsNullOrWhiteSpace(token))
        {
            return AzureSignalRTokenStatus.Missing;
        }

        var result = await _handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            IssuerSigningKey = _key,
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            RequireSignedTokens = true,
            ValidateIssuer = false,
            // Audience and lifetime are checked below: the audience against the URL as the request reached us, the
            // lifetime against the caller's clock rather than the library's.
            ValidateAudience = false,
            ValidateLifetime = false,
        }).ConfigureAwait(false);
        if (!result.IsValid || result.SecurityToken is not JsonWebToken jwt)
        {
            return AzureSignalRTokenStatus.Invalid;
        }

        if (TokenLifetime.Check(jwt, now, clockSkew) != TokenLifetimeCheck.Current)
        {
            return AzureSignalRTokenStatus.Expired;
        }

        foreach (var audience in jwt.Audiences)
        {
            if (audiences.Contains(audience, StringComparer.OrdinalIgnoreCase))
            {
                return AzureSignalRTokenStatus.Valid;
            }
        }

        return AzureSignalRTokenStatus.WrongAudience;
    }
}
