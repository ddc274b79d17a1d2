using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace DvServerless.Simulators.Acs;

/// <summary>
/// Issues the RS256 JWTs ACS puts on callbacks (5 minutes) and media-socket upgrades (24 hours), signed with the
/// simulator's own RSA key, and serves that key as a JWKS so validators run their real OpenID Connect path (PROTOCOL §3.4).
/// </summary>
internal sealed class AcsCallbackTokenIssuer : IDisposable
{
    private static readonly string[] SigningAlgorithms = ["RS256"];
    private static readonly string[] ResponseTypes = ["id_token"];
    private static readonly string[] SubjectTypes = ["public"];
    private readonly RSA _rsa = RSA.Create(2048);
    private readonly RsaSecurityKey _key;
    private readonly SigningCredentials _credentials;
    private readonly JsonWebTokenHandler _handler = new();
    private readonly string _issuer;
    private readonly string _audience;
    private readonly TimeProvider _time;

    public AcsCallbackTokenIssuer(string issuer, string audience, TimeProvider time)
    {
        _issuer = issuer;
        _audience = audience;
        _time = time;
        _key = new RsaSecurityKey(_rsa) { KeyId = Base64UrlEncoder.Encode(SHA256.HashData(_rsa.ExportRSAPublicKey()).AsSpan(0, 12).ToArray()) };
        _credentials = new SigningCredentials(_key, SecurityAlgorithms.RsaSha256);
    }

    public string KeyId => _key.KeyId;

    /// <summary>A token for one callback POST.</summary>
    public string CreateCallbackToken() => Create(TimeSpan.FromMinutes(5));

    /// <summary>A token for one media WebSocket connection.</summary>
    public string CreateMediaToken() => Create(TimeSpan.FromHours(24));

    /// <summary>The JWKS document (<c>/calling/keys</c>).</summary>
    public string JwksJson()
    {
        var parameters = _rsa.ExportParameters(false);
        return JsonSerializer.Serialize(new
        {
            keys = new[]
            {
                new
                {
                    kty = "RSA",
                    use = "sig",
                    alg = "RS256",
                    kid = _key.KeyId,
                    n = Base64UrlEncoder.Encode(parameters.Modulus),
                    e = Base64UrlEncoder.Encode(parameters.Exponent),
                },
            },
        });
    }

    /// <summary>The OpenID configuration document (<c>/calling/.well-known/acsopenidconfiguration</c>).</summary>
    public string OpenIdConfigurationJson(string baseUrl) => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["issuer"] = _issuer,
        ["jwks_uri"] = baseUrl + "calling/keys",
        ["id_token_signing_alg_values_supported"] = SigningAlgorithms,
        ["response_types_supported"] = ResponseTypes,
        ["subject_types_supported"] = SubjectTypes,
    });

    private string Create(TimeSpan lifetime)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = _issuer,
            Audience = _audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + lifetime,
            SigningCredentials = _credentials,
        });
    }

    public void Dispose() => _rsa.Dispose();
}
