using DvServerless.Adapters.Acs.Events;

namespace DvServerless.Adapters.Tests.Acs.Events;

/// <summary>
/// IncomingCall <c>from</c> / <c>to</c> in every identifier form of <c>CommunicationIdentifierModel</c> (shared spec
/// <c>common.json</c> 2025-06-30: <c>kind</c> and <c>rawId</c> are optional in requests, and exactly one of
/// <c>communicationUser</c>, <c>phoneNumber</c>, <c>microsoftTeamsUser</c>, <c>microsoftTeamsApp</c>,
/// <c>teamsExtensionUser</c> names the participant). When <c>rawId</c> is absent it is derived with the raw-id prefixes
/// the Communication SDKs use (<c>8:orgid:</c>, <c>8:teamsvisitor:</c>, <c>28:orgid:</c>, <c>8:acs:</c>, …), in both the
/// Event Grid and the CloudEvents schema.
/// </summary>
public sealed class IncomingCallIdentifierFormsTests
{
    private const string Callee = """{"kind":"phoneNumber","rawId":"4:+18005550100","phoneNumber":{"value":"+18005550100"}}""";
    private const string UserId = "45ab2481-1c1c-4005-be24-0ffb879b1130";
    private const string TenantId = "d4f5a8c3-2c49-4b9e-a5c6-3c85e80a7f4d";
    private const string ResourceId = "f7e1e3c6-3a1d-4415-8b7d-9e1d4bda2d45";

    public static TheoryData<string, string> Callers => new()
    {
        { $$$"""{"kind":"microsoftTeamsUser","microsoftTeamsUser":{"userId":"{{{UserId}}}","isAnonymous":false,"cloud":"public"}}""", "8:orgid:" + UserId },
        { $$$"""{"microsoftTeamsUser":{"userId":"{{{UserId}}}"}}""", "8:orgid:" + UserId },
        { $$$"""{"kind":"microsoftTeamsUser","microsoftTeamsUser":{"userId":"{{{UserId}}}","isAnonymous":true}}""", "8:teamsvisitor:" + UserId },
        { $$$"""{"kind":"microsoftTeamsUser","microsoftTeamsUser":{"userId":"{{{UserId}}}","cloud":"gcch"}}""", "8:gcch:" + UserId },
        { $$$"""{"kind":"microsoftTeamsUser","microsoftTeamsUser":{"userId":"{{{UserId}}}","cloud":"dod"}}""", "8:dod:" + UserId },
        { """{"kind":"microsoftTeamsApp","microsoftTeamsApp":{"appId":"app-1","cloud":"public"}}""", "28:orgid:app-1" },
        { """{"kind":"microsoftTeamsApp","microsoftTeamsApp":{"appId":"app-1","cloud":"gcch"}}""", "28:gcch:app-1" },
        { """{"kind":"microsoftTeamsApp","microsoftTeamsApp":{"appId":"app-1","cloud":"dod"}}""", "28:dod:app-1" },
        { $$$"""{"kind":"teamsExtensionUser","teamsExtensionUser":{"userId":"{{{UserId}}}","tenantId":"{{{TenantId}}}","resourceId":"{{{ResourceId}}}"}}""", $"8:acs:{ResourceId}_{TenantId}_{UserId}" },
        { $$$"""{"kind":"teamsExtensionUser","teamsExtensionUser":{"userId":"{{{UserId}}}","tenantId":"{{{TenantId}}}","resourceId":"{{{ResourceId}}}","cloud":"gcch"}}""", $"8:gcch-acs:{ResourceId}_{TenantId}_{UserId}" },
        { $$$"""{"kind":"teamsExtensionUser","teamsExtensionUser":{"userId":"{{{UserId}}}","tenantId":"{{{TenantId}}}","resourceId":"{{{ResourceId}}}","cloud":"dod"}}""", $"8:dod-acs:{ResourceId}_{TenantId}_{UserId}" },
        { """{"kind":"communicationUser","communicationUser":{"id":"8:acs:r_u"}}""", "8:acs:r_u" },
        { """{"phoneNumber":{"value":"+14255550123"}}""", "4:+14255550123" },
        { """{"kind":"phoneNumber","rawId":"4:anonymous","phoneNumber":{"value":"anonymous","isAnonymous":true}}""", "4:anonymous" },
        { $$$"""{"kind":"microsoftTeamsUser","rawId":"8:orgid:as-sent","microsoftTeamsUser":{"userId":"{{{UserId}}}"}}""", "8:orgid:as-sent" },
    };

    [Theory]
    [MemberData(nameof(Callers))]
    public void Event_grid_schema_caller_raw_id(string caller, string expectedRawId)
    {
        var body = $$"""[{"id":"e1","topic":"/subscriptions/s/resourcegroups/rg/providers/microsoft.communication/communicationservices/acs","subject":"/caller/x/recipient/4:+18005550100","data":{{Data(caller)}},"eventType":"Microsoft.Communication.IncomingCall","dataVersion":"1.0","metadataVersion":"1","eventTime":"2024-05-01T12:00:00.0000000Z"}]""";

        var call = Assert.Single(EventGridDeliveryParser.Parse(BinaryData.FromString(body), "Notification").IncomingCalls);

        Assert.Equal(expectedRawId, call.FromRawId);
        Assert.Equal("4:+18005550100", call.ToRawId);
    }

    [Theory]
    [MemberData(nameof(Callers))]
    public void Cloud_events_schema_caller_raw_id(string caller, string expectedRawId)
    {
        var body = $$"""{"id":"e1","source":"/subscriptions/s/resourceGroups/rg/providers/Microsoft.Communication/communicationServices/acs","subject":"/caller/x/recipient/4:+18005550100","data":{{Data(caller)}},"type":"Microsoft.Communication.IncomingCall","specversion":"1.0","time":"2024-05-01T12:00:00Z"}""";

        var call = Assert.Single(EventGridDeliveryParser.Parse(BinaryData.FromString(body), null).IncomingCalls);

        Assert.Equal(expectedRawId, call.FromRawId);
    }

    [Theory]
    [InlineData("""{"microsoftTeamsUser":{"isAnonymous":false}}""")]
    [InlineData("""{"microsoftTeamsApp":{}}""")]
    [InlineData("""{"teamsExtensionUser":{"userId":"u","tenantId":"t"}}""")]
    [InlineData("""{"kind":"unknown"}""")]
    public void A_caller_that_names_nobody_leaves_the_caller_unknown(string caller)
    {
        // The call is still offered, with no caller id rather than a made-up one.
        var body = $$"""{"id":"e1","source":"/acs","data":{{Data(caller)}},"type":"Microsoft.Communication.IncomingCall","specversion":"1.0"}""";

        var call = Assert.Single(EventGridDeliveryParser.Parse(BinaryData.FromString(body), null).IncomingCalls);

        Assert.Null(call.FromRawId);
    }

    private const string CustomContext = """{"sipHeaders":{},"voipHeaders":{}}""";

    private static string Data(string caller) =>
        $$"""{"to":{{Callee}},"from":{{caller}},"serverCallId":"srv-1","callerDisplayName":"Caller","customContext":{{CustomContext}},"incomingCallContext":"ctx","correlationId":"corr-1"}""";
}
