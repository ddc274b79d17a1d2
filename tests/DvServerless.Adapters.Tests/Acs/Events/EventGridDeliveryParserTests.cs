using DvServerless.Adapters.Acs.Events;

namespace DvServerless.Adapters.Tests.Acs.Events;

public sealed class EventGridDeliveryParserTests
{
    private const string IncomingCallData = """
        {"to":{"kind":"phoneNumber","rawId":"4:+18005550100","phoneNumber":{"value":"+18005550100"}},
         "from":{"kind":"phoneNumber","rawId":"4:+14255550123","phoneNumber":{"value":"+14255550123"}},
         "callerDisplayName":"Alice","serverCallId":"srv-1",
         "customContext":{"sipHeaders":{"X-MS-Custom-a":"1"},"voipHeaders":{"v":"2"}},
         "incomingCallContext":"eyJhbGciOi.opaque+/=","onBehalfOfCallee":null,"correlationId":"corr-1"}
        """;

    [Fact]
    public void Validation_handshake_yields_the_code()
    {
        var body = BinaryData.FromString("""[{"id":"2d1781af-3a4c-4d7c-bd0c-e34b19da4e66","topic":"/subscriptions/x/resourceGroups/rg/providers/Microsoft.Communication/communicationServices/acs","subject":"","data":{"validationCode":"512d38b6-c7b8-40c8-89fe-f46f9e9622b6","validationUrl":"https://rp-eastus2.eventgrid.azure.net:553/eventsubscriptions/s/validate?id=1&t=2&apiVersion=2018-05-01-preview&token=t"},"eventType":"Microsoft.EventGrid.SubscriptionValidationEvent","eventTime":"2018-01-25T22:12:19.4556811Z","metadataVersion":"1","dataVersion":"1"}]""");
        var delivery = EventGridDeliveryParser.Parse(body, "SubscriptionValidation");
        Assert.Equal("512d38b6-c7b8-40c8-89fe-f46f9e9622b6", delivery.ValidationCode);
        Assert.Empty(delivery.IncomingCalls);
    }

    [Fact]
    public void Event_grid_schema_incoming_call_array()
    {
        var body = BinaryData.FromString($$"""[{"id":"evt-1","topic":"/subscriptions/s/resourcegroups/rg/providers/microsoft.communication/communicationservices/acs","subject":"/caller/4:+14255550123/recipient/4:+18005550100","data":{{IncomingCallData}},"eventType":"Microsoft.Communication.IncomingCall","dataVersion":"1.0","metadataVersion":"1","eventTime":"2024-05-01T12:00:00.0000000Z"}]""");
        var delivery = EventGridDeliveryParser.Parse(body, "Notification");
        Assert.Null(delivery.ValidationCode);
        var call = Assert.Single(delivery.IncomingCalls);
        AssertCall(call, "evt-1");
    }

    [Fact]
    public void Cloud_event_single_object_without_identifier_kind()
    {
        var data = IncomingCallData.Replace("\"kind\":\"phoneNumber\",\"rawId\":\"4:+14255550123\",", string.Empty);
        var body = BinaryData.FromString($$"""{"id":"evt-2","source":"/subscriptions/s/resourceGroups/rg/providers/Microsoft.Communication/communicationServices/acs","subject":"/caller/4:+14255550123/recipient/4:+18005550100","data":{{data}},"type":"Microsoft.Communication.IncomingCall","specversion":"1.0","time":"2024-05-01T12:00:00Z"}""");
        var call = Assert.Single(EventGridDeliveryParser.Parse(body, null).IncomingCalls);
        AssertCall(call, "evt-2");
    }

    [Fact]
    public void Cloud_events_batch_lists_unknown_types()
    {
        var body = BinaryData.FromString($$"""[{"id":"evt-3","source":"/acs","data":{{IncomingCallData}},"type":"Microsoft.Communication.IncomingCall","specversion":"1.0","time":"2024-05-01T12:00:00Z"},{"id":"evt-4","source":"/acs","data":{"x":1},"type":"Microsoft.Communication.SMSReceived","specversion":"1.0"}]""");
        var delivery = EventGridDeliveryParser.Parse(body, "Notification");
        AssertCall(Assert.Single(delivery.IncomingCalls), "evt-3");
        Assert.Equal(["Microsoft.Communication.SMSReceived"], delivery.IgnoredEventTypes);
    }

    [Fact]
    public void Event_grid_schema_unknown_type_is_ignored()
    {
        var body = BinaryData.FromString("""[{"id":"e","topic":"/t","subject":"s","data":{"a":1},"eventType":"Contoso.Other","dataVersion":"1.0","metadataVersion":"1","eventTime":"2024-05-01T12:00:00Z"}]""");
        var delivery = EventGridDeliveryParser.Parse(body, "Notification");
        Assert.Empty(delivery.IncomingCalls);
        Assert.Equal(["Contoso.Other"], delivery.IgnoredEventTypes);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("\"text\"")]
    [InlineData("[42]")]
    [InlineData("""[{"id":"e","eventType":"Microsoft.Communication.IncomingCall","subject":"s","dataVersion":"1.0","eventTime":"2024-05-01T12:00:00Z","data":{"serverCallId":"x"}}]""")]
    [InlineData("""[{"\uD800":1,"id":"e","eventType":"Microsoft.EventGrid.SubscriptionValidationEvent","data":{"validationCode":"c"}}]""")]
    [InlineData("""{"id":"e","type":"Microsoft.Communication.IncomingCall","specversion":"1.0","data":{"incomingCallContext":"c\uD800"}}""")]
    [InlineData("""[{"id":"e","eventType":"Microsoft.Communication.IncomingCall","subject":"s","dataVersion":"1.0","eventTime":"2024-05-01T12:00:00Z","data":{"incomingCallContext":"c","customContext":{"sipHeaders":{"\uDC00":"v"}}}}]""")]
    public void Garbage_throws_FormatException(string body)
    {
        var error = Assert.Throws<FormatException>(() => EventGridDeliveryParser.Parse(BinaryData.FromString(body), "Notification"));
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
    }

    private static void AssertCall(IncomingCallNotification call, string id)
    {
        Assert.Equal(id, call.EventId);
        Assert.Equal("eyJhbGciOi.opaque+/=", call.IncomingCallContext);
        Assert.Equal("4:+14255550123", call.FromRawId);
        Assert.Equal("4:+18005550100", call.ToRawId);
        Assert.Equal("Alice", call.CallerDisplayName);
        Assert.Equal("srv-1", call.ServerCallId);
        Assert.Equal("corr-1", call.CorrelationId);
        Assert.Equal("1", call.SipHeaders["X-MS-Custom-a"]);
        Assert.Equal("2", call.VoipHeaders["v"]);
    }
}
