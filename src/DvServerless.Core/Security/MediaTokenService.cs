using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using DvServerless.Core.Calls;

namespace DvServerless.Core.Security;

/// <summary>
/// Mints and checks the short-lived per-call tokens that admit a media WebSocket to the worker.
/// A token is <c>base64url(payload).base64url(HMAC-SHA256(key, payload))</c>, the payload being
/// <c>{"cid":callId,"exp":unixSeconds,"jti":random,"p":purpose,"sub":boundId?,"t":tenant?,"a":agent?,"pt":projectTenant?}</c>. The Functions app mints it (into the
/// ACS <c>transportUrl</c>, a SIP attach request, a browser session); the worker checks it, and its purpose, before it acts:
/// a token minted for one use is refused for any other. A SIP attach token is also bound to the OpenAI SIP call id
/// (<c>sub</c>), so it attaches that SIP call and no other. The token id (<c>jti</c>) lets the worker use a token once.
/// An ACS media token and a SIP attach token also carry who the call belongs to (<see cref="CallOwner"/>: tenant
/// <c>t</c>, agent <c>a</c>, and for SIP the tenant whose OpenAI project carries the call, <c>pt</c>), signed like the rest,
/// so the worker runs the right agent for the right tenant when it cannot read the call's session.
/// </summary>
public sealed class MediaTokenService
{
    // A token bound to nothing carries no "sub", so tokens of the other purposes keep their length (they travel in URLs).
    private static readonly JsonSerializerOptions SerializerOptions = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    private readonly byte[] _key;
    private readonly TimeProvider _time;

    /// <summary>Creates the service with a signing key of at least 32 bytes.</summary>
    public MediaTokenService(byte[] signingKey, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(signingKey);
        if (signingKey.Length < 32)
        {
            throw new ArgumentException("The media token signing key must be at least 32 bytes.", nameof(signingKey));
        }

        _key = signingKey.ToArray();
        _time = timeProvider;
    }

    /// <summary>Creates the service from a key given as base64 or, failing that, as UTF-8 text.</summary>
    public static MediaTokenService FromConfiguredKey(string key, TimeProvider timeProvider)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        var bytes = new byte[key.Length];
        var raw = Convert.TryFromBase64String(key, bytes, out var written) && written >= 32
            ? bytes.AsSpan(0, written).ToArray()
            : Encoding.UTF8.GetBytes(key);
        return new MediaTokenService(raw, timeProvider);
    }

    /// <summary>Mints a token for <paramref name="callId"/> and <paramref name="purpose"/>, valid for <paramref name="lifetime"/>.</summary>
    public string Issue(string callId, TimeSpan lifetime, MediaTokenPurpose purpose) => Issue(callId, lifetime, purpose, boundTo: null);

    /// <summary>
    /// Mints a token for <paramref name="callId"/> and <paramref name="purpose"/> that is also bound to
    /// <paramref name="boundTo"/> (the OpenAI SIP call id of a SIP attach), valid for <paramref name="lifetime"/>.
    /// </summary>
    public string Issue(string callId, TimeSpan lifetime, MediaTokenPurpose purpose, string? boundTo) =>
        Issue(callId, lifetime, purpose, boundTo, owner: default);

    /// <summary>
    /// Mints a token for <paramref name="callId"/> and <paramref name="purpose"/> that also carries <paramref name="owner"/>
    /// (its tenant and agent), valid for <paramref name="lifetime"/>.
    /// </summary>
    public string Issue(string callId, TimeSpan lifetime, MediaTokenPurpose purpose, CallOwner owner) =>
        Issue(callId, lifetime, purpose, boundTo: null, owner);

    /// <summary>
    /// Mints a token for <paramref name="callId"/> and <paramref name="purpose"/>, bound to <paramref name="boundTo"/> and
    /// carrying <paramref name="owner"/>: a SIP attach token, which names the SIP call and who the call belongs to.
    /// </summary>
    public string Issue(string callId, TimeSpan lifetime, MediaTokenPurpose purpose, string? boundTo, CallOwner owner)
    {
        ArgumentException.ThrowIfNullOrEmpty(callId);
        var expires = _time.GetUtcNow().Add(lifetime).ToUnixTimeSeconds();
        var payload = JsonSerializer.SerializeToUtf8Bytes(
            new TokenPayload(callId, expires, Convert.ToHexString(RandomNumberGenerator.GetBytes(12)), Code(purpose), boundTo, NullIfEmpty(owner.TenantId),
                NullIfEmpty(owner.AgentId), NullIfEmpty(owner.ProjectTenantId)),
            SerializerOptions);
        var signature = HMACSHA256.HashData(_key, payload);
        return Base64Url.EncodeToString(payload) + "." + Base64Url.EncodeToString(signature);
    }

    /// <summary>
    /// Checks a token minted for <paramref name="purpose"/>; when <paramref name="expectedCallId"/> is given the token must
    /// be bound to it.
    /// </summary>
    public MediaTokenValidation Validate(string? token, MediaTokenPurpose purpose, string? expectedCallId = null) =>
        Validate(token, purpose, expectedCallId, expectedBoundTo: null);

    /// <summary>
    /// Checks a token minted for <paramref name="purpose"/>; when <paramref name="expectedCallId"/> is given the token must
    /// be for that call, and when <paramref name="expectedBoundTo"/> is given it must be bound to that id too (a token
    /// bound to nothing is refused then): <see cref="MediaTokenStatus.WrongCall"/> otherwise.
    /// </summary>
    public MediaTokenValidation Validate(string? token, MediaTokenPurpose purpose, string? expectedCallId, string? expectedBoundTo)
    {
        if (string.IsNullOrEmpty(token))
        {
            return new(MediaTokenStatus.Missing, null, null);
        }

        var dot = token.IndexOf('.');
        if (dot <= 0 || dot == token.Length - 1 || token.Length > 1024)
        {
            return new(MediaTokenStatus.Invalid, null, null);
        }

        byte[] payload, signature;
        try
        {
            payload = Base64Url.DecodeFromChars(token.AsSpan(0, dot));
            signature = Base64Url.DecodeFromChars(token.AsSpan(dot + 1));
        }
        catch (FormatException)
        {
            return new(MediaTokenStatus.Invalid, null, null);
        }

        if (!CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(_key, payload), signature))
        {
            return new(MediaTokenStatus.Invalid, null, null);
        }

        TokenPayload? claims;
        try
        {
            claims = JsonSerializer.Deserialize<TokenPayload>(payload);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return new(MediaTokenStatus.Invalid, null, null);
        }

        // Only a token signed with our own key gets here, but an out-of-range expiry must still be refused, not thrown.
        if (claims is null || string.IsNullOrEmpty(claims.cid) || string.IsNullOrEmpty(claims.jti) || claims.exp <= 0 || claims.exp > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            return new(MediaTokenStatus.Invalid, null, null);
        }

        var expiresAt = DateTimeOffset.FromUnixTimeSeconds(claims.exp);
        if (_time.GetUtcNow() >= expiresAt)
        {
            return new(MediaTokenStatus.Expired, claims.cid, expiresAt);
        }

        if (!string.Equals(claims.p, Code(purpose), StringComparison.Ordinal))
        {
            return new(MediaTokenStatus.WrongPurpose, claims.cid, expiresAt);
        }

        if ((expectedCallId is not null && !string.Equals(expectedCallId, claims.cid, StringComparison.Ordinal))
            || (expectedBoundTo is not null && !string.Equals(expectedBoundTo, claims.sub, StringComparison.Ordinal)))
        {
            return new(MediaTokenStatus.WrongCall, claims.cid, expiresAt);
        }

        return new(MediaTokenStatus.Valid, claims.cid, expiresAt, claims.jti) { Owner = new CallOwner(claims.t, claims.a, claims.pt) };
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static string Code(MediaTokenPurpose purpose) => purpose switch
    {
        MediaTokenPurpose.AcsMedia => "acs",
        MediaTokenPurpose.SipAttach => "sip",
        MediaTokenPurpose.BrowserMedia => "web",
        MediaTokenPurpose.BrowserControl => "ctl",
        MediaTokenPurpose.CallControl => "cmd",
        _ => throw new ArgumentOutOfRangeException(nameof(purpose), purpose, null),
    };

    // Short names keep the token short: it travels in a URL query string.
#pragma warning disable IDE1006
    private sealed record TokenPayload(string cid, long exp, string jti, string? p, string? sub = null, string? t = null, string? a = null, string? pt = null);
#pragma warning restore IDE1006
}
