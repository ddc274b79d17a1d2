using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace DvServerless.Simulators.Acs;

/// <summary>
/// Checks an HMAC-SHA256 signed Call Automation request exactly as PROTOCOL §2.1 defines it, independently of the
/// project's client: the signature covers the verb, the wire path and query, <c>x-ms-date</c>, the wire Host (port
/// included) and the SHA-256 of the received body.
/// </summary>
internal sealed class AcsHmacVerifier
{
    private const string AuthorizationPrefix = "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=";
    private readonly byte[] _key;
    private readonly TimeProvider _time;
    private readonly TimeSpan _maxSkew;

    public AcsHmacVerifier(string accessKey, TimeProvider time, TimeSpan maxSkew)
    {
        _key = Convert.FromBase64String(accessKey);
        _time = time;
        _maxSkew = maxSkew;
    }

    /// <summary>Returns null when the request is authentic, otherwise why not.</summary>
    public string? Verify(string method, string rawTarget, string? host, string? authorization, string? date, string? contentHash, ReadOnlySpan<byte> body)
    {
        if (string.IsNullOrEmpty(authorization))
        {
            return "The Authorization header is missing.";
        }

        if (!authorization.StartsWith(AuthorizationPrefix, StringComparison.Ordinal))
        {
            return "The Authorization header is not 'HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=<signature>'.";
        }

        if (string.IsNullOrEmpty(date))
        {
            return "The x-ms-date header is missing.";
        }

        if (!DateTimeOffset.TryParseExact(date, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var signedAt))
        {
            return "The x-ms-date header is not an RFC 1123 date.";
        }

        if ((_time.GetUtcNow() - signedAt).Duration() > _maxSkew)
        {
            return "The x-ms-date header is outside the allowed clock skew.";
        }

        if (string.IsNullOrEmpty(host))
        {
            return "The Host header is missing.";
        }

        var actualHash = Convert.ToBase64String(SHA256.HashData(body));
        if (!string.Equals(contentHash, actualHash, StringComparison.Ordinal))
        {
            return "The x-ms-content-sha256 header does not match the SHA-256 of the body.";
        }

        var stringToSign = method.ToUpperInvariant() + "\n" + rawTarget + "\n" + date + ";" + host + ";" + contentHash;
        var expected = HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(stringToSign));
        byte[] presented;
        try
        {
            presented = Convert.FromBase64String(authorization[AuthorizationPrefix.Length..]);
        }
        catch (FormatException)
        {
            return "The signature is not base64.";
        }

        return CryptographicOperations.FixedTimeEquals(expected, presented) ? null : "The signature does not match.";
    }
}
