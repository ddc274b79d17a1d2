using Microsoft.IdentityModel.JsonWebTokens;

namespace DvServerless.Adapters.Tenants;

/// <summary>How a token's <c>nbf</c>/<c>exp</c> compare with now.</summary>
internal enum TokenLifetimeCheck
{
    Current,
    Expired,
    NotYetValid,
    Missing,
}

/// <summary>
/// Lifetime checks against an injected <see cref="TimeProvider"/>: the token library's own lifetime validation reads
/// the wall clock, which would make expiry untestable with a virtual clock and wrong under a simulated one.
/// </summary>
internal static class TokenLifetime
{
    public static TokenLifetimeCheck Check(JsonWebToken? token, DateTimeOffset now, TimeSpan clockSkew)
    {
        // ValidTo/ValidFrom are DateTime.MinValue when the claim is absent.
        if (token is null || token.ValidTo == DateTime.MinValue)
        {
            return TokenLifetimeCheck.Missing;
        }

        var utcNow = now.UtcDateTime;
        if (utcNow - clockSkew >= token.ValidTo)
        {
            return TokenLifetimeCheck.Expired;
        }

        if (token.ValidFrom != DateTime.MinValue && utcNow + clockSkew < token.ValidFrom)
        {
            return TokenLifetimeCheck.NotYetValid;
        }

        return TokenLifetimeCheck.Current;
    }
}
