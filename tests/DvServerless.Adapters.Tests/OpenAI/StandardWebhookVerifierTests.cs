using System.Text;
using DvServerless.Adapters.OpenAI.Webhooks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Microsoft.Extensions.Time.Testing;

namespace DvServerless.Adapters.Tests.OpenAI;

public sealed class StandardWebhookVerifierTests
{
    // Published test data of the openai-node SDK (tests/api-resources/webhooks.test.ts), "taken from a real webhook event".
    private const string SdkBody = """{"id": "evt_685c059ae3a481909bdc86819b066fb6", "object": "event", "created_at": 1750861210, "type": "response.completed", "data": {"id": "resp_123"}}""";
    private const string SdkSignature = "v1,gUAg4R2hWouRZqRQG4uJypNS8YK885G838+EHb4nKBY=";
    private const long SdkTimestamp = 1750861210;
    private const string SdkWebhookId = "wh_685c059ae39c8190af8c71ed1022a24d";
    private const string SdkSecret = "whsec_RdvaYFYUXuIFuEbvZHwMfYFhUf7aMYjYcmM24+Aj40c=";

    private static readonly byte[] Body = Encoding.UTF8.GetBytes(SdkBody);

    private static StandardWebhookVerifier VerifierAt(long unixSeconds) =>
        new(new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(unixSeconds)));

    private static HeaderDictionary Headers(string? id = SdkWebhookId, string? timestamp = "1750861210", string? signature = SdkSignature)
    {
        var headers = new HeaderDictionary();
        if (id is not null) headers["webhook-id"] = id;
        if (timestamp is not null) headers["webhook-timestamp"] = timestamp;
        if (signature is not null) headers["webhook-signature"] = signature;
        return headers;
    }

    [Fact]
    public void The_published_sdk_vector_is_valid()
    {
        Assert.Equal(WebhookVerificationResult.Valid, VerifierAt(SdkTimestamp).Verify(Headers(), Body, SdkSecret));
    }

    [Fact]
    public void Header_names_match_in_any_case()
    {
        var headers = new Dictionary<string, StringValues>
        {
            ["Webhook-Id"] = SdkWebhookId, ["WEBHOOK-TIMESTAMP"] = "1750861210", ["webhook-Signature"] = SdkSignature,
        };
        Assert.Equal(WebhookVerificationResult.Valid, VerifierAt(SdkTimestamp).Verify(headers, Body, SdkSecret));
    }

    [Fact]
    public void Signing_reproduces_the_published_signature()
    {
        Assert.Equal(SdkSignature, StandardWebhookVerifier.Sign(SdkSecret, SdkWebhookId, "1750861210", Body));
    }

    [Fact]
    public void A_vector_derived_from_the_algorithm_verifies_with_a_plain_secret()
    {
        // HMAC-SHA256 over "msg_1.1700000000.{}" with the UTF-8 key "plain-secret", computed independently.
        var body = "{}"u8.ToArray();
        var expected = "v1," + Convert.ToBase64String(System.Security.Cryptography.HMACSHA256.HashData(
            Encoding.UTF8.GetBytes("plain-secret"), Encoding.UTF8.GetBytes("msg_1.1700000000.{}")));
        Assert.Equal(WebhookVerificationResult.Valid,
            VerifierAt(1_700_000_000).Verify("msg_1", "1700000000", expected, body, "plain-secret"));
    }

    [Theory]
    [InlineData("webhook-id", WebhookVerificationResult.MissingId)]
    [InlineData("webhook-timestamp", WebhookVerificationResult.MissingTimestamp)]
    [InlineData("webhook-signature", WebhookVerificationResult.MissingSignature)]
    public void Each_missing_or_empty_header_is_refused(string header, WebhookVerificationResult expected)
    {
        var missing = Headers();
        missing.Remove(header);
        Assert.Equal(expected, VerifierAt(SdkTimestamp).Verify(missing, Body, SdkSecret));
        var empty = Headers();
        empty[header] = string.Empty;
        Assert.Equal(expected, VerifierAt(SdkTimestamp).Verify(empty, Body, SdkSecret));
    }

    [Fact]
    public void A_repeated_header_is_refused()
    {
        var headers = Headers();
        headers["webhook-timestamp"] = new StringValues(["1750861210", "1750861210"]);
        Assert.Equal(WebhookVerificationResult.DuplicateHeader, VerifierAt(SdkTimestamp).Verify(headers, Body, SdkSecret));
    }

    [Theory]
    [InlineData(SdkTimestamp + 300, WebhookVerificationResult.Valid)]
    [InlineData(SdkTimestamp + 301, WebhookVerificationResult.TimestampTooOld)]
    [InlineData(SdkTimestamp - 300, WebhookVerificationResult.Valid)]
    [InlineData(SdkTimestamp - 301, WebhookVerificationResult.TimestampTooNew)]
    public void The_tolerance_is_300_seconds_inclusive_both_ways(long now, WebhookVerificationResult expected)
    {
        Assert.Equal(expected, VerifierAt(now).Verify(Headers(), Body, SdkSecret));
    }

    [Theory]
    [InlineData("1750861210.75")]
    [InlineData("+1750861210")]
    [InlineData(" 1750861210")]
    [InlineData("1750861210 ")]
    [InlineData("1750861210abc")]
    [InlineData("-1")]
    [InlineData("not-a-number")]
    [InlineData("17508612100000000000")]
    public void Only_integer_timestamps_are_accepted(string timestamp)
    {
        Assert.Equal(WebhookVerificationResult.InvalidTimestamp,
            VerifierAt(SdkTimestamp).Verify(Headers(timestamp: timestamp), Body, SdkSecret));
    }

    [Fact]
    public void A_tampered_body_is_refused()
    {
        var tampered = Encoding.UTF8.GetBytes(SdkBody.Replace("resp_123", "resp_124", StringComparison.Ordinal));
        Assert.Equal(WebhookVerificationResult.NoMatchingSignature, VerifierAt(SdkTimestamp).Verify(Headers(), tampered, SdkSecret));
        // Re-serialized JSON (spaces removed) is a different body, too.
        var compact = Encoding.UTF8.GetBytes(SdkBody.Replace(": ", ":", StringComparison.Ordinal));
        Assert.Equal(WebhookVerificationResult.NoMatchingSignature, VerifierAt(SdkTimestamp).Verify(Headers(), compact, SdkSecret));
    }

    [Fact]
    public void A_wrong_secret_is_refused()
    {
        var wrong = "whsec_" + Convert.ToBase64String(Encoding.UTF8.GetBytes("not-the-correct-secret-but-long-enough"));
        Assert.Equal(WebhookVerificationResult.NoMatchingSignature, VerifierAt(SdkTimestamp).Verify(Headers(), Body, wrong));
        // The same key without the whsec_ prefix is used as UTF-8 text, not decoded.
        Assert.Equal(WebhookVerificationResult.NoMatchingSignature,
            VerifierAt(SdkTimestamp).Verify(Headers(), Body, SdkSecret["whsec_".Length..]));
    }

    [Theory]
    [InlineData(null, WebhookVerificationResult.MissingSecret)]
    [InlineData("", WebhookVerificationResult.MissingSecret)]
    [InlineData("whsec_", WebhookVerificationResult.InvalidSecret)]
    [InlineData("whsec_not*base64!", WebhookVerificationResult.InvalidSecret)]
    public void Unusable_secrets_are_refused(string? secret, WebhookVerificationResult expected)
    {
        Assert.Equal(expected, VerifierAt(SdkTimestamp).Verify(Headers(), Body, secret));
    }

    [Fact]
    public void One_valid_candidate_among_several_is_enough()
    {
        var signature = $"v1,invalid_signature v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= {SdkSignature}";
        Assert.Equal(WebhookVerificationResult.Valid, VerifierAt(SdkTimestamp).Verify(Headers(signature: signature), Body, SdkSecret));
    }

    [Fact]
    public void Several_invalid_candidates_are_refused()
    {
        Assert.Equal(WebhookVerificationResult.NoMatchingSignature,
            VerifierAt(SdkTimestamp).Verify(Headers(signature: "v1,invalid_signature1 v1,invalid_signature2"), Body, SdkSecret));
    }

    [Theory]
    [InlineData("v1a,gUAg4R2hWouRZqRQG4uJypNS8YK885G838+EHb4nKBY=")]
    [InlineData("v2,gUAg4R2hWouRZqRQG4uJypNS8YK885G838+EHb4nKBY=")]
    [InlineData("gUAg4R2hWouRZqRQG4uJypNS8YK885G838+EHb4nKBY=")]
    [InlineData("v1a,gUAg4R2hWouRZqRQG4uJypNS8YK885G838+EHb4nKBY= v2,gUAg4R2hWouRZqRQG4uJypNS8YK885G838+EHb4nKBY=")]
    public void Non_v1_candidates_are_never_compared(string signature)
    {
        Assert.Equal(WebhookVerificationResult.NoMatchingSignature,
            VerifierAt(SdkTimestamp).Verify(Headers(signature: signature), Body, SdkSecret));
    }

    [Fact]
    public void The_number_of_candidates_is_bounded()
    {
        var many = string.Join(' ', Enumerable.Repeat("v1,invalid", StandardWebhookVerifier.MaxSignatureCandidates)) + " " + SdkSignature;
        Assert.Equal(WebhookVerificationResult.TooManySignatures, VerifierAt(SdkTimestamp).Verify(Headers(signature: many), Body, SdkSecret));
    }

    [Fact]
    public void Descriptions_never_contain_the_secret()
    {
        foreach (var result in Enum.GetValues<WebhookVerificationResult>())
        {
            Assert.DoesNotContain("RdvaYFYU", StandardWebhookVerifier.Describe(result), StringComparison.Ordinal);
        }
    }
}
