using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace DvServerless.Simulators.Tests.Acs;

/// <summary>A tiny, independent HMAC signer written straight from PROTOCOL §2.1, to drive the simulator.</summary>
internal static class TestHmacSigner
{
    public static HttpRequestMessage Create(HttpMethod method, Uri uri, string? body, string accessKey, DateTimeOffset? date = null)
    {
        var bytes = body is null ? [] : Encoding.UTF8.GetBytes(body);
        var hash = Convert.ToBase64String(SHA256.HashData(bytes));
        var dateText = (date ?? DateTimeOffset.UtcNow).ToString("r", CultureInfo.InvariantCulture);
        var stringToSign = $"{method.Method}\n{uri.PathAndQuery}\n{dateText};{uri.Authority};{hash}";
        var signature = Convert.ToBase64String(HMACSHA256.HashData(Convert.FromBase64String(accessKey), Encoding.UTF8.GetBytes(stringToSign)));
        var request = new HttpRequestMessage(method, uri);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(bytes);
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        }

        request.Headers.TryAddWithoutValidation("x-ms-date", dateText);
        request.Headers.TryAddWithoutValidation("x-ms-content-sha256", hash);
        request.Headers.TryAddWithoutValidation("Authorization", "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=" + signature);
        return request;
    }
}
