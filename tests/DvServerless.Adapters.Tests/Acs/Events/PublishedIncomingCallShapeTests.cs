using DvServerless.Adapters.Acs.Events;

namespace DvServerless.Adapters.Tests.Acs.Events;

/// <summary>
/// IncomingCall in the shapes of the published Event Grid examples for Microsoft.Communication (Event Grid schema and
/// CloudEvents, each as a single object and as the array webhooks receive), including <c>onBehalfOfCallee</c> and SIP
/// custom context that the SDK models do not carry.
/// </summary>
public sealed class PublishedIncomingCallShapeTests
{
    private const string Data = """
        {
          "to": { "kind": "phoneNumber", "rawId": "4:+18005550100", "phoneNumber": { "value": "+18005550100" } },
          "from": { "kind": "phoneNumber", "rawId": "4:+14255550123", "phoneNumber": { "value": "+14255550123" } },
          "serverCallId": "aHR0cHM6Ly9hcGkuZXhhbXBsZS9zZXJ2ZXJDYWxsSWQ",
          "callerDisplayName": "PSTN Caller",
          "customContext": {
            "sipHeaders": { "userToUser": "616d617a6f6e;encoding=hex", "X-MS-Custom-order": "35567842" },
            "voipHeaders": { "customHeader": "customValue" }
          },
          "incomingCallContext": "eyJhbGciOiJub25lIn0.eyJjYyI6Im9wYXF1ZSJ9.c2ln",
          "onBehalfOfCallee": { "kind": "phoneNumber", "rawId": "4:+18005550100", "phoneNumber": { "value": "+18005550100" } },
          "correlationId": "b5f7a3c2-0d7e-4e7a-9b6f-1c2d3e4f5a6b"
        }
        """;

    private static readonly string EventGridEvent = $$"""
        {
          "id": "e80026e7-e298-46ba-bc42-dab0eda92581",
          "topic": "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Communication/communicationServices/acs",
          "subject": "/caller/4:+14255550123/recipient/4:+18005550100",
          "data": {{Data}},
          "eventType": "Microsoft.Communication.IncomingCall",
          "dataVersion": "1.0",
          "metadataVersion": "1",
          "eventTime": "2023-04-04T17:18:42.5542219Z"
        }
        """;

    private static readonly string CloudEvent = $$"""
        {
          "id": "e80026e7-e298-46ba-bc42-dab0eda92581",
          "source": "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Communication/communicationServices/acs",
          "subject": "/caller/4:+14255550123/recipient/4:+18005550100",
          "data": {{Data}},
          "type": "Microsoft.Communication.IncomingCall",
          "specversion": "1.0",
          "time": "2023-04-04T17:18:42.5542219Z"
        }
        """;

    public static TheoryData<string, string> Deliveries => new()
    {
        { "event grid, single object", EventGridEvent },
        { "event grid, array", "[" + EventGridEvent + "]" },
        { "cloudevents, single object", CloudEvent },
        { "cloudevents, batch", "[" + CloudEvent + "]" },
    };

    [Theory]
    [MemberData(nameof(Deliveries))]
    public void Every_published_form_yields_the_call(string form, string body)
    {
        var delivery = EventGridDeliveryParser.Parse(BinaryData.FromString(body), "Notification");

        var call = Assert.Single(delivery.IncomingCalls);
        Assert.True(call.IncomingCallContext == "eyJhbGciOiJub25lIn0.eyJjYyI6Im9wYXF1ZSJ9.c2ln", form);
        Assert.Equal("4:+14255550123", call.FromRawId);
        Assert.Equal("4:+18005550100", call.ToRawId);
        Assert.Equal("b5f7a3c2-0d7e-4e7a-9b6f-1c2d3e4f5a6b", call.CorrelationId);
        Assert.Equal("aHR0cHM6Ly9hcGkuZXhhbXBsZS9zZXJ2ZXJDYWxsSWQ", call.ServerCallId);
        Assert.Equal("PSTN Caller", call.CallerDisplayName);
        Assert.Equal("35567842", call.SipHeaders["X-MS-Custom-order"]);
        Assert.Equal("customValue", call.VoipHeaders["customHeader"]);
        Assert.Null(delivery.ValidationCode);
    }
}
