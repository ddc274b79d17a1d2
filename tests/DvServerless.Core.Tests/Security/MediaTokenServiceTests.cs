using System.Buffers.Text;
using System.Text;
using DvServerless.Core.Calls;
using DvServerless.Core.Security;
using Microsoft.Extensions.Time.Testing;

namespace DvServerless.Core.Tests.Security;

public sealed class MediaTokenServiceTests
{
    private static readonly byte[] Key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
    private static readonly DateTimeOffset Start = new(2026, 3, 12, 9, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Start);

    private MediaTokenService Service(byte[]? key = null) => new(key ?? Key, _time);

    [Fact]
    public void A_fresh_token_is_valid_for_its_call()
    {
        var service = Service();
        var token = service.Issue("call-1", TimeSpan.FromMinutes(2), MediaTokenPurpose.AcsMedia);
        var result = service.Validate(token, MediaTokenPurpose.AcsMedia, "call-1");

        Assert.Equal(MediaTokenStatus.Valid, result.Status);
        Assert.True(result.IsValid);
        Assert.Equal("call-1", result.CallId);
        Assert.Equal(Start.AddMinutes(2), result.ExpiresAt);
        Assert.True(service.Validate(token, MediaTokenPurpose.AcsMedia).IsValid); // no expected call: any call
    }

    [Fact]
    public void A_token_carries_its_calls_tenant_and_agent_signed_and_a_plain_one_carries_none()
    {
        var service = Service();
        var token = service.Issue("call-1", TimeSpan.FromMinutes(2), MediaTokenPurpose.AcsMedia, new CallOwner("tenant-a", "sales"));

        Assert.Equal(new CallOwner("tenant-a", "sales"), service.Validate(token, MediaTokenPurpose.AcsMedia, "call-1").Owner);
        Assert.Equal(default, service.Validate(service.Issue("call-1", TimeSpan.FromMinutes(2), MediaTokenPurpose.AcsMedia), MediaTokenPurpose.AcsMedia).Owner);

        // Another tenant written into the payload breaks the signature: the worker never runs a call as a tenant the
        // Functions app did not name.
        var payload = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token.AsSpan(0, token.IndexOf('.'))));
        Assert.Contains("\"t\":\"tenant-a\"", payload, StringComparison.Ordinal);
        var forged = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(payload.Replace("tenant-a", "tenant-b", StringComparison.Ordinal))) + token[token.IndexOf('.')..];
        var refused = service.Validate(forged, MediaTokenPurpose.AcsMedia, "call-1");
        Assert.Equal(MediaTokenStatus.Invalid, refused.Status);
        Assert.Equal(default, refused.Owner);
    }

    [Fact]
    public void A_sip_attach_token_is_bound_to_its_sip_call_and_carries_the_calls_tenant_agent_and_project()
    {
        var service = Service();
        var call = new CallOwner("tenant-a", "sales", "tenant-p");
        var token = service.Issue("call-1", TimeSpan.FromMinutes(2), MediaTokenPurpose.SipAttach, "rtc_abc", call);

        Assert.Equal(call, service.Validate(token, MediaTokenPurpose.SipAttach, "call-1", "rtc_abc").Owner);
        Assert.Equal(MediaTokenStatus.WrongCall, service.Validate(token, MediaTokenPurpose.SipAttach, "call-1", "rtc_other").Status);

        // The project's tenant is signed too: a call cannot be moved into another tenant's OpenAI project.
        var payload = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token.AsSpan(0, token.IndexOf('.'))));
        Assert.Contains("\"pt\":\"tenant-p\"", payload, StringComparison.Ordinal);
        var forged = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(payload.Replace("tenant-p", "tenant-q", StringComparison.Ordinal))) + token[token.IndexOf('.')..];
        Assert.Equal(MediaTokenStatus.Invalid, service.Validate(forged, MediaTokenPurpose.SipAttach, "call-1", "rtc_abc").Status);
    }

    [Fact]
    public void A_token_expires_exactly_at_its_lifetime()
    {
        var service = Service();
        var token = service.Issue("call-1", TimeSpan.FromSeconds(60), MediaTokenPurpose.AcsMedia);

        _time.Advance(TimeSpan.FromSeconds(60) - TimeSpan.FromMilliseconds(1));
        Assert.Equal(MediaTokenStatus.Valid, service.Validate(token, MediaTokenPurpose.AcsMedia, "call-1").Status);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        var expired = service.Validate(token, MediaTokenPurpose.AcsMedia, "call-1");
        Assert.Equal(MediaTokenStatus.Expired, expired.Status);
        Assert.Equal("call-1", expired.CallId);
        Assert.Equal(Start.AddSeconds(60), expired.ExpiresAt);
    }

    [Fact]
    public void A_token_for_another_call_is_refused()
    {
        var service = Service();
        var result = service.Validate(service.Issue("call-1", TimeSpan.FromMinutes(1), MediaTokenPurpose.AcsMedia), MediaTokenPurpose.AcsMedia, "call-2");
        Assert.Equal(MediaTokenStatus.WrongCall, result.Status);
        Assert.False(result.IsValid);
        Assert.Equal("call-1", result.CallId);
    }

    [Fact]
    public void A_tampered_payload_is_invalid()
    {
        var service = Service();
        var token = service.Issue("call-1", TimeSpan.FromMinutes(1), MediaTokenPurpose.AcsMedia);
        var dot = token.IndexOf('.');
        var payload = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token.AsSpan(0, dot)));
        var forged = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(payload.Replace("call-1", "call-2"))) + token[dot..];

        Assert.Equal(MediaTokenStatus.Invalid, service.Validate(forged, MediaTokenPurpose.AcsMedia, "call-2").Status);
        Assert.Equal(MediaTokenStatus.Invalid, service.Validate(forged, MediaTokenPurpose.AcsMedia).Status);
    }

    [Fact]
    public void An_extended_expiry_is_invalid()
    {
        var service = Service();
        var token = service.Issue("call-1", TimeSpan.FromMinutes(1), MediaTokenPurpose.AcsMedia);
        var dot = token.IndexOf('.');
        var payload = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token.AsSpan(0, dot)));
        var exp = Start.AddMinutes(1).ToUnixTimeSeconds();
        var forged = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(payload.Replace(exp.ToString(), (exp + 3600).ToString()))) + token[dot..];

        Assert.NotEqual(token, forged);
        Assert.Equal(MediaTokenStatus.Invalid, service.Validate(forged, MediaTokenPurpose.AcsMedia).Status);
    }

    [Fact]
    public void A_tampered_signature_is_invalid()
    {
        var service = Service();
        var token = service.Issue("call-1", TimeSpan.FromMinutes(1), MediaTokenPurpose.AcsMedia);
        var dot = token.IndexOf('.');
        var signature = Base64Url.DecodeFromChars(token.AsSpan(dot + 1));
        signature[0] ^= 1;
        Assert.Equal(MediaTokenStatus.Invalid, service.Validate(token[..(dot + 1)] + Base64Url.EncodeToString(signature), MediaTokenPurpose.AcsMedia).Status);

        // A truncated signature is not a prefix match.
        Assert.Equal(MediaTokenStatus.Invalid, service.Validate(token[..^4], MediaTokenPurpose.AcsMedia).Status);
    }

    [Fact]
    public void A_token_signed_with_another_key_is_invalid()
    {
        var otherKey = Enumerable.Range(100, 32).Select(i => (byte)i).ToArray();
        var token = Service(otherKey).Issue("call-1", TimeSpan.FromMinutes(1), MediaTokenPurpose.AcsMedia);
        Assert.Equal(MediaTokenStatus.Invalid, Service().Validate(token, MediaTokenPurpose.AcsMedia, "call-1").Status);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void A_missing_token_is_missing(string? token) =>
        Assert.Equal(MediaTokenStatus.Missing, Service().Validate(token, MediaTokenPurpose.AcsMedia, "call-1").Status);

    [Theory]
    [InlineData("garbage")]
    [InlineData(".")]
    [InlineData("abc.")]
    [InlineData(".abc")]
    [InlineData("!!!.???")]
    [InlineData("e30.e30")]                 // {} . {} — decodes, signature wrong
    [InlineData("a.b.c")]
    public void Garbage_is_invalid(string token)
    {
        var result = Service().Validate(token, MediaTokenPurpose.AcsMedia, "call-1");
        Assert.Equal(MediaTokenStatus.Invalid, result.Status);
        Assert.Null(result.CallId);
    }

    [Fact]
    public void Overlong_tokens_are_refused_before_any_work()
    {
        var service = Service();
        var token = service.Issue(new string('c', 900), TimeSpan.FromMinutes(1), MediaTokenPurpose.AcsMedia);
        Assert.True(token.Length > 1024);
        Assert.Equal(MediaTokenStatus.Invalid, service.Validate(token, MediaTokenPurpose.AcsMedia).Status);
    }

    [Fact]
    public void Validly_signed_payloads_without_a_call_id_are_invalid()
    {
        // Sign payloads ourselves with the same key to reach the checks behind the signature.
        foreach (var json in new[] { "{\"cid\":\"\",\"exp\":9999999999,\"jti\":\"x\"}", "null", "[1,2]", "{\"cid\":5}" })
        {
            var payload = Encoding.UTF8.GetBytes(json);
            var token = Base64Url.EncodeToString(payload) + "." + Base64Url.EncodeToString(System.Security.Cryptography.HMACSHA256.HashData(Key, payload));
            Assert.Equal(MediaTokenStatus.Invalid, Service().Validate(token, MediaTokenPurpose.AcsMedia).Status);
        }
    }

    [Fact]
    public void Each_issued_token_is_unique()
    {
        var service = Service();
        Assert.NotEqual(service.Issue("call-1", TimeSpan.FromMinutes(1), MediaTokenPurpose.AcsMedia), service.Issue("call-1", TimeSpan.FromMinutes(1), MediaTokenPurpose.AcsMedia));
    }

    [Fact]
    public void Short_keys_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new MediaTokenService(new byte[31], _time));
        Assert.Throws<ArgumentNullException>(() => new MediaTokenService(null!, _time));
    }

    [Fact]
    public void Configured_keys_are_read_as_base64_or_text()
    {
        var fromBase64 = MediaTokenService.FromConfiguredKey(Convert.ToBase64String(Key), _time);
        Assert.True(Service().Validate(fromBase64.Issue("call-1", TimeSpan.FromMinutes(1), MediaTokenPurpose.AcsMedia), MediaTokenPurpose.AcsMedia).IsValid);

        var text = "a-text-key-that-is-longer-than-32-bytes!!";
        var fromText = MediaTokenService.FromConfiguredKey(text, _time);
        Assert.True(Service(Encoding.UTF8.GetBytes(text)).Validate(fromText.Issue("call-1", TimeSpan.FromMinutes(1), MediaTokenPurpose.AcsMedia), MediaTokenPurpose.AcsMedia).IsValid);
        Assert.Throws<ArgumentException>(() => MediaTokenService.FromConfiguredKey("short", _time));
    }

    [Theory]
    [InlineData(MediaTokenPurpose.AcsMedia, MediaTokenPurpose.SipAttach)]
    [InlineData(MediaTokenPurpose.SipAttach, MediaTokenPurpose.AcsMedia)]
    [InlineData(MediaTokenPurpose.BrowserMedia, MediaTokenPurpose.BrowserControl)]
    [InlineData(MediaTokenPurpose.BrowserControl, MediaTokenPurpose.BrowserMedia)]
    [InlineData(MediaTokenPurpose.CallControl, MediaTokenPurpose.SipAttach)]
    [InlineData(MediaTokenPurpose.BrowserMedia, MediaTokenPurpose.CallControl)]
    public void A_token_minted_for_one_use_is_refused_for_another(MediaTokenPurpose minted, MediaTokenPurpose presented)
    {
        var service = Service();
        var token = service.Issue("call-1", TimeSpan.FromMinutes(1), minted);

        Assert.Equal(MediaTokenStatus.WrongPurpose, service.Validate(token, presented, "call-1").Status);
        Assert.True(service.Validate(token, minted, "call-1").IsValid);
    }

    [Fact]
    public void A_sip_attach_token_is_bound_to_its_sip_call()
    {
        var service = Service();
        var token = service.Issue("call-1", TimeSpan.FromMinutes(1), MediaTokenPurpose.SipAttach, "rtc_a");

        Assert.True(service.Validate(token, MediaTokenPurpose.SipAttach, "call-1", "rtc_a").IsValid);
        Assert.Equal(MediaTokenStatus.WrongCall, service.Validate(token, MediaTokenPurpose.SipAttach, "call-1", "rtc_b").Status);
        Assert.Equal(MediaTokenStatus.WrongCall, service.Validate(token, MediaTokenPurpose.SipAttach, "call-2", "rtc_a").Status);
        var unbound = service.Issue("call-1", TimeSpan.FromMinutes(1), MediaTokenPurpose.SipAttach);
        Assert.Equal(MediaTokenStatus.WrongCall, service.Validate(unbound, MediaTokenPurpose.SipAttach, "call-1", "rtc_a").Status);
    }

    [Fact]
    public void Each_valid_token_has_its_own_id_and_a_refused_one_has_none()
    {
        var service = Service();
        var first = service.Validate(service.Issue("call-1", TimeSpan.FromMinutes(1), MediaTokenPurpose.CallControl), MediaTokenPurpose.CallControl, "call-1");
        var second = service.Validate(service.Issue("call-1", TimeSpan.FromMinutes(1), MediaTokenPurpose.CallControl), MediaTokenPurpose.CallControl, "call-1");

        Assert.False(string.IsNullOrEmpty(first.TokenId));
        Assert.NotEqual(first.TokenId, second.TokenId);
        Assert.Null(service.Validate(service.Issue("call-1", TimeSpan.FromMinutes(1), MediaTokenPurpose.CallControl), MediaTokenPurpose.SipAttach).TokenId);
    }
}
