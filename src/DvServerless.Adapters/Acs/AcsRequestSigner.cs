using System.Security.Cryptography;
using System.Text;

namespace DvServerless.Adapters.Acs;

/// <summary>
/// The ACS HMAC-SHA256 request signature (PROTOCOL.md §2.1): pure functions, so that the exact bytes can be tested.
/// </summary>
public static class AcsRequestSigner
{
    /// <summary>The content hash of an empty body: <c>Base64(SHA256(""))</c>.</summary>
    public const string EmptyContentHash = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";

    /// <summary>The headers listed in <c>SignedHeaders</c>, in order.</summary>
    public const string SignedHeaders = "x-ms-date;host;x-ms-content-sha256";

    /// <summary><c>Base64(SHA256(body))</c>.</summary>
    public static string ComputeContentHash(ReadOnlySpan<byte> body)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(body, hash);
        return Convert.ToBase64String(hash);
    }

    /// <summary>The RFC 1123 date ACS expects in <c>x-ms-date</c>, e.g. <c>Sun, 06 Nov 1994 08:49:37 GMT</c>.</summary>
    public static string FormatDate(DateTimeOffset time) => time.UtcDateTime.ToString("r", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary><c>VERB\npathAndQuery\ndate;host;contentHash</c>.</summary>
    public static string BuildStringToSign(string method, string pathAndQuery, string date, string host, string contentHash)
        => method.ToUpperInvariant() + "\n" + pathAndQuery + "\n" + date + ";" + host + ";" + contentHash;

    /// <summary><c>Base64(HMAC-SHA256(key, stringToSign))</c>.</summary>
    public static string ComputeSignature(ReadOnlySpan<byte> key, string stringToSign)
        => Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));

    /// <summary>
    /// The <c>Authorization</c> value for a request to <paramref name="uri"/>. The host is the URI authority, which keeps
    /// <c>:port</c> when the port is not the scheme's default, as the wire <c>Host</c> header does.
    /// </summary>
    public static string BuildAuthorization(ReadOnlySpan<byte> key, string method, Uri uri, string date, string contentHash)
    {
        var stringToSign = BuildStringToSign(method, uri.PathAndQuery, date, uri.Authority, contentHash);
        return "HMAC-SHA256 SignedHeaders=" + SignedHeaders + "&Signature=" + ComputeSignature(key, stringToSign);
    }
}
