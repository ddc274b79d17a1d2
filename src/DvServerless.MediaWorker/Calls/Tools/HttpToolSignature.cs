using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace DvServerless.MediaWorker.Calls.Tools;

/// <summary>
/// The <c>X-Dvs-Signature</c> header of an HTTP tool request: <c>t=&lt;unix seconds&gt;,v1=&lt;hex&gt;</c>, where the hex is
/// the lowercase HMAC-SHA256, keyed with the tool's secret (UTF-8), of <c>"&lt;t&gt;.&lt;body&gt;"</c>. The receiver
/// recomputes it over the raw body it received and rejects a mismatch or an old <c>t</c> (a replay).
/// </summary>
public static class HttpToolSignature
{
    /// <summary>The header's name.</summary>
    public const string HeaderName = "X-Dvs-Signature";

    /// <summary>The header value for <paramref name="body"/> sent at <paramref name="timestamp"/>.</summary>
    public static string Create(string secret, DateTimeOffset timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        var t = timestamp.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var prefix = Encoding.UTF8.GetBytes(t + ".");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed);
        return "t=" + t + ",v1=" + Convert.ToHexStringLower(mac);
    }
}
