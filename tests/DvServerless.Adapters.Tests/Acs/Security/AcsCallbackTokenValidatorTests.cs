using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using DvServerless.Adapters.Acs.Security;
using DvServerless.Simulators.Acs;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace DvServerless.Adapters.Tests.Acs.Security;

public sealed class AcsCallbackTokenValidatorTests : IAsyncLifetime
{
    private const string ResourceId = "5c7b2d1e-0a4f-4d8e-9b6a-3f2e1d0c9b8a";
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private AcsSimulator _acs = null!;

    public async Task InitializeAsync() =>
        _acs = await AcsSimulator.StartAsync(new AcsSimulatorOptions { ResourceId = ResourceId, TimeProvider = _time });

    public async Task DisposeAsync() => await _acs.DisposeAsync();

    private AcsCallbackTokenValidator Validator(string audience = ResourceId, string? openIdUrl = null) => new(
        new AcsCallbackAuthOptions { ResourceId = audience, OpenIdConfigurationUrl = openIdUrl ?? _acs.OpenIdConfigurationUrl },
        _time,
        NullLogger<AcsCallbackTokenValidator>.Instance);

    [Fact]
    public async Task A_token_the_simulator_puts_on_callbacks_is_accepted()
    {
        var result = await Validator().ValidateAuthorizationHeaderAsync("Bearer " + _acs.IssueCallbackToken());
        Assert.Equal(AcsCallbackTokenStatus.Valid, result.Status);
        Assert.True(result.IsAccepted);
    }

    [Fact]
    public async Task Missing_or_non_bearer_credentials_are_refused()
    {
        var validator = Validator();
        Assert.Equal(AcsCallbackTokenStatus.Missing, (await validator.ValidateAuthorizationHeaderAsync(null)).Status);
        Assert.Equal(AcsCallbackTokenStatus.Missing, (await validator.ValidateAuthorizationHeaderAsync("Basic abc")).Status);
        Assert.Equal(401, (await validator.ValidateAuthorizationHeaderAsync(null)).RefusalStatusCode);
    }

    [Fact]
    public async Task A_token_for_another_resource_is_refused()
    {
        var result = await Validator(audience: Guid.NewGuid().ToString()).ValidateTokenAsync(_acs.IssueCallbackToken());
        Assert.Equal(AcsCallbackTokenStatus.Invalid, result.Status);
    }

    [Fact]
    public async Task A_token_from_another_issuer_is_refused_even_when_its_key_is_trusted()
    {
        await using var impostor = await AcsSimulator.StartAsync(new AcsSimulatorOptions { ResourceId = ResourceId, Issuer = "https://impostor.example", TimeProvider = _time });
        var result = await Validator(openIdUrl: impostor.OpenIdConfigurationUrl).ValidateTokenAsync(impostor.IssueCallbackToken());
        Assert.Equal(AcsCallbackTokenStatus.Invalid, result.Status);
    }

    [Fact]
    public async Task An_expired_token_is_refused()
    {
        var token = _acs.IssueCallbackToken();
        var validator = Validator();
        _time.Advance(TimeSpan.FromMinutes(5) + AcsCallbackTokenValidator.ClockSkew + TimeSpan.FromSeconds(1));
        Assert.Equal(AcsCallbackTokenStatus.Expired, (await validator.ValidateTokenAsync(token)).Status);
    }

    [Fact]
    public async Task A_token_signed_with_an_unknown_key_is_refused()
    {
        using var rsa = RSA.Create(2048);
        var key = new RsaSecurityKey(rsa) { KeyId = "unknown-kid" };
        var now = _time.GetUtcNow().UtcDateTime;
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = AcsCallbackAuthOptions.AcsIssuer,
            Audience = ResourceId,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(5),
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
        });

        Assert.Equal(AcsCallbackTokenStatus.Invalid, (await Validator().ValidateTokenAsync(token)).Status);
    }

    [Fact]
    public async Task An_unsigned_alg_none_token_is_refused()
    {
        var payload = _acs.IssueCallbackToken().Split('.')[1];
        var token = Encode("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + payload + ".";
        Assert.Equal(AcsCallbackTokenStatus.Invalid, (await Validator().ValidateTokenAsync(token)).Status);
    }

    [Fact]
    public async Task Hs256_signed_with_the_public_key_as_secret_is_refused()
    {
        var valid = _acs.IssueCallbackToken().Split('.');
        var kid = JsonDocument.Parse(Decode(valid[0])).RootElement.GetProperty("kid").GetString();
        using var http = new HttpClient();
        var jwks = await http.GetStringAsync(_acs.BaseUrl + "calling/keys");
        var modulus = JsonDocument.Parse(jwks).RootElement.GetProperty("keys")[0].GetProperty("n").GetString()!;

        foreach (var secret in new[] { Encoding.UTF8.GetBytes(jwks), Encoding.UTF8.GetBytes(modulus), Decode(modulus) })
        {
            var signingInput = Encode("{\"alg\":\"HS256\",\"kid\":\"" + kid + "\",\"typ\":\"JWT\"}") + "." + valid[1];
            var signature = Base64UrlEncoder.Encode(HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes(signingInput)));
            Assert.Equal(AcsCallbackTokenStatus.Invalid, (await Validator().ValidateTokenAsync(signingInput + "." + signature)).Status);
        }
    }

    [Fact]
    public async Task A_tampered_token_is_refused()
    {
        var parts = _acs.IssueCallbackToken().Split('.');
        var payload = Encoding.UTF8.GetString(Decode(parts[1])).Replace(ResourceId, ResourceId.ToUpperInvariant(), StringComparison.Ordinal) + " ";
        var token = parts[0] + "." + Encode(payload) + "." + parts[2];
        Assert.Equal(AcsCallbackTokenStatus.Invalid, (await Validator().ValidateTokenAsync(token)).Status);
    }

    [Fact]
    public async Task Unreachable_keys_fail_closed()
    {
        using var closed = new DvServerless.Testing.ClosedTcpPort();
        var validator = Validator(openIdUrl: $"http://127.0.0.1:{closed.Port}/calling/.well-known/acsopenidconfiguration");
        var result = await validator.ValidateTokenAsync(_acs.IssueCallbackToken());
        Assert.False(result.IsAccepted);
        Assert.Equal(AcsCallbackTokenStatus.KeysUnavailable, result.Status);
        Assert.Equal(503, result.RefusalStatusCode);
    }

    [Fact]
    public void Settings_are_checked_at_start()
    {
        Assert.Contains(new AcsCallbackAuthOptions { ResourceId = "not-a-guid" }.Validate(), e => e.Contains("ResourceId", StringComparison.Ordinal));
        Assert.Contains(new AcsCallbackAuthOptions { ResourceId = ResourceId, OpenIdConfigurationUrl = "http://example.com/x" }.Validate(), e => e.Contains("https", StringComparison.Ordinal));
        Assert.Empty(new AcsCallbackAuthOptions { Enabled = false }.Validate());
    }

    private static string Encode(string json) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(json));

    private static byte[] Decode(string part) => Base64UrlEncoder.DecodeBytes(part);
}
