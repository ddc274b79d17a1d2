using System.Globalization;
using CsCheck;
using DvServerless.Adapters.OpenAI.Webhooks;
using DvServerless.Testing.Fuzzing;
using Microsoft.Extensions.Time.Testing;

namespace DvServerless.Adapters.Tests.OpenAI;

/// <summary>
/// Hostile OpenAI SIP webhooks: the Standard-Webhooks check answers a result for any header values and never accepts a
/// body it did not sign; a signed hostile body parses or fails with <see cref="FormatException"/> only.
/// </summary>
public sealed class SipWebhookFuzzTests
{
    private const string Secret = "whsec_RdvaYFYUXuIFuEbvZHwMfYFhUf7aMYjYcmM24+Aj40c=";
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_750_000_000);

    private static readonly string[] Bodies =
    [
        """{"object":"event","id":"evt_1","type":"realtime.call.incoming","created_at":1750000000,"data":{"call_id":"rtc_u1_9c6574da8b8a41a18da9308f4ad974ce","sip_headers":[{"name":"From","value":"<sip:+14255550123@sip.example.com>"},{"name":"To","value":"<sip:+18005550100@sip.api.openai.com>"},{"name":"X-Tenant","value":"t1"}]}}""",
        """{"object":"event","id":"evt_2","type":"realtime.call.incoming","created_at":1750000000,"data":{"call_id":"rtc_1","sip_headers":null}}""",
        """{"object":"event","id":"evt_3","type":"response.completed","created_at":1750000000,"data":{"id":"resp_1"}}""",
    ];

    private static readonly string[] HeaderTexts =
    [
        "", " ", "msg_1", "\uD800", "x\uDC00", "1750000000", "1750000301", "1749999699", "999999999999999", "9999999999999999999",
        "-1750000000", "+1750000000", "1750000000.5", "١٧٥٠٠٠٠٠٠٠", "v1,", "v1,AAAA", "v1a,abc", "v2,abc",
        string.Join(' ', Enumerable.Repeat("v1," + new string('A', 44), 40)), "v1," + new string('\uD800', 44), new string('x', 10_000),
    ];

    private static readonly Gen<string> HeaderText = Gen.OneOf<string>(Gen.OneOf(HeaderTexts), Gen.String);

    [Fact]
    public void Any_header_values_get_a_result_and_an_unsigned_body_is_never_valid()
    {
        var verifier = new StandardWebhookVerifier(new FakeTimeProvider(Now));
        Fuzz.Check(Gen.Select(HeaderText, HeaderText, HeaderText, HostileJson.Variants(Bodies)), tuple =>
        {
            var (id, timestamp, signature, body) = tuple;
            Fuzz.WithinAllocation(Fuzz.LinearBound(body.Length + (2 * (id.Length + timestamp.Length + signature.Length))), () =>
                Assert.NotEqual(WebhookVerificationResult.Valid, verifier.Verify(id, timestamp, signature, body, Secret)));
        });
    }

    [Fact]
    public void A_signed_hostile_body_is_valid_and_parses_or_fails_with_FormatException()
    {
        var verifier = new StandardWebhookVerifier(new FakeTimeProvider(Now));
        var timestamp = Now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        Fuzz.Check(HostileJson.Variants(Bodies), body =>
        {
            var signature = StandardWebhookVerifier.Sign(Secret, "msg_1", timestamp, body);
            Assert.Equal(WebhookVerificationResult.Valid, verifier.Verify("msg_1", timestamp, "v1,bad " + signature, body, Secret));
            Fuzz.WithinAllocation(Fuzz.LinearBound(body.Length), () =>
                Fuzz.Fails(() => RealtimeCallIncomingParser.Parse("msg_1", body), typeof(FormatException)));
        }, HostileJson.Print);
    }
}
