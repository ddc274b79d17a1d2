using System.Text;
using DvServerless.Adapters.OpenAI.Webhooks;

namespace DvServerless.Adapters.Tests.OpenAI;

public sealed class RealtimeCallIncomingParserTests
{
    [Fact]
    public void Parses_the_call_and_keeps_sip_headers_in_order_with_repeats()
    {
        const string Json = """
            {"object":"event","id":"evt_68b8f8b4b1d88190a8d0b2a6a4e3c5f1","type":"realtime.call.incoming","created_at":1756829876,
             "data":{"call_id":"rtc_u1_9c6574da8b8a41a18da9308f4ad974ce","sip_headers":[
               {"name":"From","value":"sip:+142555512112@sip.example.com"},
               {"name":"To","value":"sip:+18005551212@sip.example.com"},
               {"name":"Call-ID","value":"03782086-4ce9-44bf-8b0d-4e303d2cc590"},
               {"name":"X-Tenant","value":"a"},{"name":"x-tenant","value":"b"}]}}
            """;
        var parsed = RealtimeCallIncomingParser.Parse("wh_1", Encoding.UTF8.GetBytes(Json));
        Assert.False(parsed.IsIgnored);
        var call = parsed.Call!;
        Assert.Equal("wh_1", call.WebhookId);
        Assert.Equal("evt_68b8f8b4b1d88190a8d0b2a6a4e3c5f1", call.EventId);
        Assert.Equal("realtime.call.incoming", call.Type);
        Assert.Equal("rtc_u1_9c6574da8b8a41a18da9308f4ad974ce", call.CallId);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1756829876), call.CreatedAt);
        Assert.Equal(5, call.SipHeaders.Count);
        Assert.Equal(new SipHeader("Call-ID", "03782086-4ce9-44bf-8b0d-4e303d2cc590"), call.SipHeaders[2]);
        Assert.Equal("sip:+142555512112@sip.example.com", call.SipHeaders.GetFirst("from"));
        Assert.Equal(["a", "b"], call.SipHeaders.GetAll("X-TENANT"));
        Assert.Null(call.SipHeaders.GetFirst("X-Missing"));
    }

    [Fact]
    public void The_object_field_is_optional()
    {
        const string Json = """{"id":"evt_1","type":"realtime.call.incoming","created_at":1,"data":{"call_id":"rtc_abc","sip_headers":[]}}""";
        Assert.Equal("rtc_abc", RealtimeCallIncomingParser.Parse("wh_1", Encoding.UTF8.GetBytes(Json)).Call!.CallId);
    }

    [Theory]
    [InlineData("""{"object":"event","id":"evt_1","type":"live.call.incoming","created_at":1,"data":{"session_id":"rtc_abc","sip_headers":[]}}""", "live.call.incoming")]
    [InlineData("""{"object":"event","id":"evt_1","type":"response.completed","created_at":1,"data":{"id":"resp_123"}}""", "response.completed")]
    public void Other_types_are_reported_as_ignored(string json, string type)
    {
        var parsed = RealtimeCallIncomingParser.Parse("wh_1", Encoding.UTF8.GetBytes(json));
        Assert.True(parsed.IsIgnored);
        Assert.Equal(type, parsed.Type);
        Assert.Null(parsed.Call);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("""{"id":"evt_1","type":"realtime.call.incoming","created_at":9223372036854775807,"data":{"call_id":"rtc_1","sip_headers":[]}}""")]
    [InlineData("""{"object":"event","id":"evt_3","type":"response.completed","created_at":1,"\uD800":{"id":"resp_1"}}""")]
    [InlineData("""{"id":"evt_1","type":"realtime.call.incoming","created_at":1,"data":{"call_id":"rtc_1","sip_headers":[{"name":"X","value":"\uDC00"}]}}""")]
    [InlineData("""{"id":"evt_1","created_at":1}""")]
    [InlineData("""{"id":"evt_1","type":"realtime.call.incoming","created_at":1,"data":{"sip_headers":[]}}""")]
    [InlineData("""{"id":"evt_1","type":"realtime.call.incoming","created_at":1,"data":{"call_id":"","sip_headers":[]}}""")]
    [InlineData("""{"id":"evt_1","type":"realtime.call.incoming","created_at":1,"data":{"call_id":"rtc_1/../x","sip_headers":[]}}""")]
    [InlineData("""{"id":"evt_1","type":"realtime.call.incoming","created_at":1,"data":{"call_id":42,"sip_headers":[]}}""")]
    [InlineData("""{"id":"evt_1","type":"realtime.call.incoming","created_at":"1","data":{"call_id":"rtc_1","sip_headers":[]}}""")]
    [InlineData("""{"id":"evt_1","type":"realtime.call.incoming","created_at":1,"data":{"call_id":"rtc_1","sip_headers":{"From":"x"}}}""")]
    [InlineData("""{"id":"evt_1","type":"realtime.call.incoming","created_at":1,"data":{"call_id":"rtc_1","sip_headers":[{"name":"From"}]}}""")]
    public void Malformed_bodies_throw_a_safe_format_exception(string json)
    {
        var ex = Assert.Throws<FormatException>(() => RealtimeCallIncomingParser.Parse("wh_1", Encoding.UTF8.GetBytes(json)));
        Assert.DoesNotContain("rtc_1/../x", ex.Message, StringComparison.Ordinal);
    }
}
