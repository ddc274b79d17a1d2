using System.Text;
using DvServerless.Adapters.Tenants;
using DvServerless.Core.Tenants;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace DvServerless.Adapters.Tests.Tenants;

public sealed class TenantTokenServiceTests
{
    private const string Key = "test-signing-key-of-at-least-thirty-two-bytes";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 10, 3, 0, 0, TimeSpan.Zero));

    private TenantTokenService Create(string key = Key) =>
        new(new TenantTokenOptions { SigningKey = key }, _time, NullLogger<TenantTokenService>.Instance);

    [Fact]
    public async Task A_tenant_token_round_trips_and_expires_after_fifteen_minutes()
    {
        var service = Create();
        var issued = service.Issue(TenantCaller.ForTenant("acme"));
        Assert.Equal(_time.GetUtcNow().AddMinutes(15), issued.ExpiresAt);

        var valid = await service.ValidateAsync(issued.Token);
        Assert.Equal(TenantTokenStatus.Valid, valid.Status);
        Assert.Equal(TenantCaller.ForTenant("acme"), valid.Caller);

        _time.Advance(TimeSpan.FromMinutes(15) + TimeSpan.FromSeconds(31));
        Assert.Equal(TenantTokenStatus.Expired, (await service.ValidateAsync(issued.Token)).Status);
    }

    [Fact]
    public async Task An_admin_token_carries_the_admin_role()
    {
        var service = Create();
        var valid = await service.ValidateAsync(service.Issue(TenantCaller.Admin).Token);
        Assert.Equal(TenantCaller.Admin, valid.Caller);
    }

    [Fact]
    public async Task Tampered_tokens_are_refused()
    {
        var service = Create();
        var parts = service.Issue(TenantCaller.ForTenant("acme")).Token.Split('.');
        var payload = Encoding.UTF8.GetString(Base64UrlDecode(parts[1])).Replace("\"acme\"", "\"contoso\"", StringComparison.Ordinal);
        var tampered = parts[0] + "." + Base64UrlEncode(Encoding.UTF8.GetBytes(payload)) + "." + parts[2];

        Assert.Equal(TenantTokenStatus.Invalid, (await service.ValidateAsync(tampered)).Status);
    }

    [Fact]
    public async Task Unsigned_tokens_are_refused()
    {
        var service = Create();
        var parts = service.Issue(TenantCaller.Admin).Token.Split('.');
        var none = Base64UrlEncode("{\"alg\":\"none\",\"typ\":\"JWT\"}"u8.ToArray()) + "." + parts[1] + ".";

        Assert.Equal(TenantTokenStatus.Invalid, (await service.ValidateAsync(none)).Status);
    }

    [Fact]
    public async Task Tokens_signed_with_another_key_are_refused()
    {
        var other = Create("another-signing-key-of-at-least-thirty-two-bytes");
        var token = other.Issue(TenantCaller.Admin).Token;

        Assert.Equal(TenantTokenStatus.Invalid, (await Create().ValidateAsync(token)).Status);
        Assert.Equal(TenantTokenStatus.Missing, (await Create().ValidateAsync(null)).Status);
        Assert.Equal(TenantTokenStatus.Invalid, (await Create().ValidateAsync("not.a.jwt")).Status);
    }

    [Fact]
    public void Short_signing_keys_are_refused() =>
        Assert.Throws<ArgumentException>(() => Create("short"));

    internal static string Base64UrlEncode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    internal static byte[] Base64UrlDecode(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '='));
    }
}
