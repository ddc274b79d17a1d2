using System.Security.Cryptography;
using System.Text;
using DvServerless.Adapters.Acs;

namespace DvServerless.Adapters.Tests.Acs;

public sealed class AcsRequestSignerTests
{
    private const string KeyBase64 = "ZHZzZXJ2ZXJsZXNzLXRlc3Qta2V5LWZvci1obWFjLXZlY3RvcnM="; // base64 of a made-up test key
    private static readonly DateTimeOffset FixedTime = new(1994, 11, 6, 8, 49, 37, TimeSpan.Zero);

    // An independent, deliberately plain implementation of PROTOCOL.md §2.1 steps 1–8.
    private static string ExpectedAuthorization(string verb, string pathAndQuery, string host, byte[] body)
    {
        var contentHash = Convert.ToBase64String(SHA256.HashData(body));
        var stringToSign = verb + "\n" + pathAndQuery + "\n" + "Sun, 06 Nov 1994 08:49:37 GMT" + ";" + host + ";" + contentHash;
        using var hmac = new HMACSHA256(Convert.FromBase64String(KeyBase64));
        var signature = Convert.ToBase64String(hmac.ComputeHash(Encoding.UTF8.GetBytes(stringToSign)));
        return "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=" + signature;
    }

    [Fact]
    public void Date_is_rfc1123()
    {
        Assert.Equal("Sun, 06 Nov 1994 08:49:37 GMT", AcsRequestSigner.FormatDate(FixedTime));
        Assert.Equal("Sun, 06 Nov 1994 08:49:37 GMT", AcsRequestSigner.FormatDate(FixedTime.ToOffset(TimeSpan.FromHours(2))));
    }

    [Fact]
    public void Empty_body_hash_is_the_documented_constant()
    {
        Assert.Equal("47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=", AcsRequestSigner.ComputeContentHash([]));
        Assert.Equal(AcsRequestSigner.EmptyContentHash, AcsRequestSigner.ComputeContentHash([]));
    }

    [Fact]
    public void Post_answer_on_default_port_signs_host_without_port()
    {
        var body = Encoding.UTF8.GetBytes("""{"incomingCallContext":"ctx","callbackUri":"https://app.example/cb"}""");
        var uri = new Uri("https://contoso.communication.azure.com/calling/callConnections:answer?api-version=2026-03-12");
        var actual = AcsRequestSigner.BuildAuthorization(Convert.FromBase64String(KeyBase64), "POST", uri,
            AcsRequestSigner.FormatDate(FixedTime), AcsRequestSigner.ComputeContentHash(body));
        Assert.Equal(ExpectedAuthorization("POST", "/calling/callConnections:answer?api-version=2026-03-12", "contoso.communication.azure.com", body), actual);
    }

    [Fact]
    public void Get_on_non_default_port_signs_host_with_port_and_empty_body_hash()
    {
        var uri = new Uri("http://127.0.0.1:7075/calling/callConnections/abc-123?api-version=2026-03-12");
        var actual = AcsRequestSigner.BuildAuthorization(Convert.FromBase64String(KeyBase64), "get", uri,
            AcsRequestSigner.FormatDate(FixedTime), AcsRequestSigner.EmptyContentHash);
        Assert.Equal(ExpectedAuthorization("GET", "/calling/callConnections/abc-123?api-version=2026-03-12", "127.0.0.1:7075", []), actual);
    }

    [Fact]
    public void String_to_sign_has_the_documented_layout()
    {
        Assert.Equal("DELETE\n/calling/callConnections/x?api-version=2026-03-12\nd;h:1;hash",
            AcsRequestSigner.BuildStringToSign("delete", "/calling/callConnections/x?api-version=2026-03-12", "d", "h:1", "hash"));
    }
}
