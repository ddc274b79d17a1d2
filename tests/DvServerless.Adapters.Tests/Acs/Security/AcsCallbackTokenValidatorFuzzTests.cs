using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CsCheck;
using DvServerless.Adapters.Acs.Security;
using DvServerless.Testing.Fuzzing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.Tokens;

namespace DvServerless.Adapters.Tests.Acs.Security;

/// <summary>
/// Hostile callback tokens, as anyone who can reach the webhook may send them: tokens with hostile headers and claims
/// signed by the trusted key (so they reach the claim checks), and the compact form of a valid token damaged byte by
/// byte. The validator must answer every one with a status (a throw would be a 500 on an unauthenticated endpoint) and
/// must accept nothing but a token whose signature, issuer, audience and lifetime all hold.
/// </summary>
public sealed class AcsCallbackTokenValidatorFuzzTests : IDisposable
{
    private const string ResourceId = "5c7b2d1e-0a4f-4d8e-9b6a-3f2e1d0c9b8a";
    private const string KeyId = "fuzz-key";
    private const string OpenIdUrl = "http://127.0.0.1:9/calling/.well-known/acsopenidconfiguration";
    private const string DamageCharacters = "ABCxyz019-_.=+/ \u00E9\0";
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    // 1024 bits keeps 10,000 signatures within seconds; the validator accepts RSA keys from 1024 bits for verifying.
    private readonly RSA _rsa = RSA.Create(1024);
    private readonly AcsCallbackTokenValidator _validator;
    private readonly string _validToken;

    public AcsCallbackTokenValidatorFuzzTests()
    {
        var http = new HttpClient(new KeyEndpoint(_rsa));
        _validator = new AcsCallbackTokenValidator(
            new AcsCallbackAuthOptions { ResourceId = ResourceId, OpenIdConfigurationUrl = OpenIdUrl },
            new FakeTimeProvider(Now), NullLogger<AcsCallbackTokenValidator>.Instance, http);
        _validToken = Sign(Encoding.UTF8.GetBytes(Header), Encoding.UTF8.GetBytes(Payload));
    }

    private static string Header => $$"""{"alg":"RS256","kid":"{{KeyId}}","typ":"JWT"}""";

    private static string Payload =>
        $$"""{"iss":"{{AcsCallbackAuthOptions.AcsIssuer}}","aud":"{{ResourceId}}","iat":{{Now.ToUnixTimeSeconds()}},"nbf":{{Now.ToUnixTimeSeconds()}},"exp":{{Now.ToUnixTimeSeconds() + 300}}}""";

    public void Dispose() => _rsa.Dispose();

    [Fact]
    public async Task The_valid_token_is_accepted()
    {
        // Without this the properties below could pass by refusing everything.
        Assert.Equal(AcsCallbackTokenStatus.Valid, (await _validator.ValidateTokenAsync(_validToken)).Status);
    }

    [Fact]
    public void Hostile_headers_and_claims_signed_by_the_trusted_key_are_answered_and_accepted_only_when_every_check_holds()
    {
        var headers = HostileJson.Variants(Header, """{"alg":"RS256","kid":"fuzz-key","typ":"JWT","x5t":"AAAA","jku":"https://evil.example/keys"}""");
        var payloads = HostileJson.Variants(Payload, $$"""{"iss":"{{AcsCallbackAuthOptions.AcsIssuer}}","aud":["{{ResourceId}}","other"],"exp":{{Now.ToUnixTimeSeconds() + 60}},"nbf":{{Now.ToUnixTimeSeconds() + 30}}}""");
        var cases = Gen.Frequency((1, headers.Select(h => (Header: h, Payload: Encoding.UTF8.GetBytes(Payload)))),
            (3, payloads.Select(p => (Header: Encoding.UTF8.GetBytes(Header), Payload: p))));

        Fuzz.Check(cases, c =>
        {
            var status = Validate(Sign(c.Header, c.Payload));
            if (status == AcsCallbackTokenStatus.Valid)
            {
                Assert.True(EveryCheckHolds(c.Header, c.Payload), "Accepted a token that fails a check.");
            }
        }, c => "header " + HostileJson.Print(c.Header) + " payload " + HostileJson.Print(c.Payload));
    }

    [Fact]
    public void A_valid_token_damaged_byte_by_byte_is_never_accepted_unless_its_bytes_mean_the_same()
    {
        var damaged = Gen.Int.Select(seed => Damage(_validToken, new Random(seed)));
        Fuzz.Check(damaged, token =>
        {
            var status = Validate(token);
            if (status == AcsCallbackTokenStatus.Valid)
            {
                // The signature covers the header and payload as sent; only the signature's own encoding may vary
                // (base64url's unused low bits).
                var (sent, valid) = (token.Split('.'), _validToken.Split('.'));
                Assert.True(sent.Length == 3 && sent[0] == valid[0] && sent[1] == valid[1]
                    && Base64UrlEncoder.DecodeBytes(sent[2]).AsSpan().SequenceEqual(Base64UrlEncoder.DecodeBytes(valid[2])), "Accepted a damaged token.");
            }
        }, token => token.Length > 300 ? token[..300] + "…" : token);
    }

    private AcsCallbackTokenStatus Validate(string token)
    {
        // The validator is async only to fetch keys, which the stub answers at once; a throw fails the property.
        var result = _validator.ValidateTokenAsync(token).GetAwaiter().GetResult();
        Assert.True(Enum.IsDefined(result.Status));
        Assert.NotEqual(AcsCallbackTokenStatus.KeysUnavailable, result.Status);
        return result.Status;
    }

    private string Sign(byte[] header, byte[] payload)
    {
        var input = Base64UrlEncoder.Encode(header) + "." + Base64UrlEncoder.Encode(payload);
        var signature = _rsa.SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return input + "." + Base64UrlEncoder.Encode(signature);
    }

    /// <summary>What must hold of a token the validator accepts, read plainly from its JSON.</summary>
    private static bool EveryCheckHolds(byte[] header, byte[] payload)
    {
        try
        {
            // The token library reads the first JSON object of each part and ignores what follows it: harmless, since
            // only the key holder can sign such a part.
            using var h = FirstValue(header);
            using var p = FirstValue(payload);
            var now = Now.ToUnixTimeSeconds();
            var skew = (long)AcsCallbackTokenValidator.ClockSkew.TotalSeconds;
            return h.RootElement.GetProperty("alg").GetString() == "RS256"
                && p.RootElement.GetProperty("iss").GetString() == AcsCallbackAuthOptions.AcsIssuer
                && p.RootElement.GetProperty("aud") is var aud
                && (aud.ValueKind == JsonValueKind.String ? aud.GetString() == ResourceId : aud.EnumerateArray().Any(a => a.ValueKind == JsonValueKind.String && a.GetString() == ResourceId))
                && p.RootElement.GetProperty("exp").GetDouble() > now - skew
                && (!p.RootElement.TryGetProperty("nbf", out var nbf) || nbf.GetDouble() <= now + skew);
        }
        catch (Exception exception) when (exception is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return false;
        }
    }

    private static JsonDocument FirstValue(byte[] json)
    {
        var reader = new Utf8JsonReader(json);
        return JsonDocument.ParseValue(ref reader);
    }

    private static string Damage(string token, Random random)
    {
        var text = new StringBuilder(token);
        for (var n = random.Next(1, 4); n > 0; n--)
        {
            var at = random.Next(text.Length + 1);
            switch (random.Next(7))
            {
                case 0:
                    text.Length = Math.Min(text.Length, at);
                    break;
                case 1 when at < text.Length:
                    text[at] = DamageCharacters[random.Next(DamageCharacters.Length)];
                    break;
                case 2:
                    text.Insert(at, random.Next(2) == 0 ? "." : "..");
                    break;
                case 3 when at < text.Length:
                    text.Remove(at, 1);
                    break;
                case 4:
                    text.Insert(at, Base64UrlEncoder.Encode(HostileValues.JsonValues[random.Next(HostileValues.JsonValues.Count)]));
                    break;
                case 5:
                    var parts = text.ToString().Split('.');
                    text.Clear().Append(string.Join('.', parts.Take(Math.Max(1, parts.Length - 1))) + (random.Next(2) == 0 ? "." : ""));
                    break;
                default:
                    text.Insert(at, new string('A', random.Next(1, 8)));
                    break;
            }
        }

        return text.ToString();
    }

    /// <summary>The OpenID configuration and JWKS the validator fetches, served in memory for the one trusted key.</summary>
    private sealed class KeyEndpoint(RSA rsa) : HttpMessageHandler
    {
        private static readonly string[] SigningAlgorithms = ["RS256"];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var path = request.RequestUri!.AbsolutePath;
            var parameters = rsa.ExportParameters(false);
            var body = path.EndsWith("/keys", StringComparison.Ordinal)
                ? JsonSerializer.Serialize(new { keys = new[] { new { kty = "RSA", use = "sig", alg = "RS256", kid = KeyId, n = Base64UrlEncoder.Encode(parameters.Modulus), e = Base64UrlEncoder.Encode(parameters.Exponent) } } })
                : JsonSerializer.Serialize(new Dictionary<string, object>
                {
                    ["issuer"] = AcsCallbackAuthOptions.AcsIssuer,
                    ["jwks_uri"] = "http://127.0.0.1:9/calling/keys",
                    ["id_token_signing_alg_values_supported"] = SigningAlgorithms,
                });
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") });
        }
    }
}
