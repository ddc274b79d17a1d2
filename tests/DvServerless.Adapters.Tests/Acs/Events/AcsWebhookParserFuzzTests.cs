using DvServerless.Adapters.Acs.Events;
using DvServerless.Testing.Fuzzing;

namespace DvServerless.Adapters.Tests.Acs.Events;

/// <summary>
/// Hostile Event Grid deliveries and ACS callbacks: the parsers answer <see cref="FormatException"/> (which the
/// functions map to 400) or a result, never another exception, and their work stays linear in the body.
/// </summary>
public sealed class AcsWebhookParserFuzzTests
{
    private const string IncomingCallData = """
        {"to":{"kind":"phoneNumber","rawId":"4:+18005550100","phoneNumber":{"value":"+18005550100"}},
         "from":{"kind":"phoneNumber","rawId":"4:+14255550123","phoneNumber":{"value":"+14255550123"}},
         "callerDisplayName":"Alice","serverCallId":"srv-1","incomingCallContext":"ctx-1","correlationId":"corr-1",
         "customContext":{"sipHeaders":{"X-Tenant":"t1"},"voipHeaders":{"k":"v"}}}
        """;

    private static readonly string[] Deliveries =
    [
        """[{"id":"2d17","topic":"/t","subject":"","data":{"validationCode":"512d38b6","validationUrl":"https://x/validate"},"eventType":"Microsoft.EventGrid.SubscriptionValidationEvent","eventTime":"2018-01-25T22:12:19.4556811Z","metadataVersion":"1","dataVersion":"1"}]""",
        $$"""[{"id":"evt-1","topic":"/t","subject":"/caller","data":{{IncomingCallData}},"eventType":"Microsoft.Communication.IncomingCall","dataVersion":"1.0","metadataVersion":"1","eventTime":"2024-05-01T12:00:00.0000000Z"}]""",
        $$"""{"id":"evt-2","source":"/acs","subject":"/caller","data":{{IncomingCallData}},"type":"Microsoft.Communication.IncomingCall","specversion":"1.0","time":"2024-05-01T12:00:00Z"}""",
        $$"""[{"id":"evt-3","source":"/acs","data":{{IncomingCallData}},"type":"Microsoft.Communication.IncomingCall","specversion":"1.0"},{"id":"evt-4","source":"/acs","data":{"validationCode":"c"},"type":"Microsoft.EventGrid.SubscriptionValidationEvent","specversion":"1.0"}]""",
    ];

    private static readonly string[] Callbacks =
    [
        """[{"id":"e1","source":"calling/callConnections/c1","type":"Microsoft.Communication.CallConnected","data":{"callConnectionId":"c1","serverCallId":"s1","correlationId":"r1","operationContext":"op","resultInformation":{"code":200,"subCode":0,"message":"ok"}},"time":"2024-05-01T12:00:00Z","specversion":"1.0"}]""",
        """{"id":"e2","type":"Microsoft.Communication.PlayFailed","data":{"callConnectionId":"c1","resultInformation":{"code":"8535","subCode":"0","message":"failed"}}}""",
        """[{"id":"e3","type":"Microsoft.Communication.CallDisconnected","data":{"callConnectionId":"c1"}},{"id":"e4","type":"Microsoft.Communication.ParticipantsUpdated","data":{"participants":[{"identifier":{"rawId":"4:+1"}}]}}]""",
    ];

    [Fact]
    public void Event_grid_deliveries_fail_only_with_FormatException_and_bounded_allocation()
    {
        foreach (var header in new[] { null, "Notification", "SubscriptionValidation" })
        {
            Fuzz.Check(HostileJson.Variants(Deliveries), body =>
                Fuzz.WithinAllocation(Fuzz.LinearBound(body.Length), () =>
                    Fuzz.Fails(() => EventGridDeliveryParser.Parse(BinaryData.FromBytes(body), header), typeof(FormatException))),
                HostileJson.Print);
        }
    }

    [Fact]
    public void Callbacks_fail_only_with_FormatException_and_bounded_allocation()
    {
        Fuzz.Check(HostileJson.Variants(Callbacks), body =>
            Fuzz.WithinAllocation(Fuzz.LinearBound(body.Length), () =>
                Fuzz.Fails(() => CallAutomationEventParser.Parse(BinaryData.FromBytes(body)), typeof(FormatException))),
            HostileJson.Print);
    }
}
