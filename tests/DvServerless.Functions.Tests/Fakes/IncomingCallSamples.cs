using DvServerless.Adapters.Acs.Events;

namespace DvServerless.Functions.Tests.Fakes;

/// <summary>IncomingCall events and their wire JSON (PROTOCOL.md §4.1 shapes; values invented).</summary>
public static class IncomingCallSamples
{
    public const string CorrelationId = "d4b1a5a8-6f3e-4f0c-9a2b-3c4d5e6f7a8b";
    public const string IncomingCallContext = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJjYyI6IkgzNHNJQUFBQUFBQUJBQ2RWRjF2MmpBVSJ9.";

    public static IncomingCallNotification Notification(string correlationId = CorrelationId, string eventId = "0f0e0d0c-1111-2222-3333-444455556666") => new()
    {
        EventId = eventId,
        IncomingCallContext = IncomingCallContext,
        FromRawId = "4:+14255550123",
        ToRawId = "4:+18005550199",
        ServerCallId = "aHR0cHM6Ly9hcGkuZmxpZ2h0cHJveHkuc2t5cGUuY29tL2FwaS92Mi9jcC9jb252LXVzZWEyLTAxLnNkay5hc3NpZ25lZC9jYWxsLzEyMzQ=",
        CorrelationId = correlationId,
    };

    /// <summary>An Event Grid schema delivery of one IncomingCall (header <c>aeg-event-type: Notification</c>).</summary>
    public static string EventGridDelivery(string correlationId = CorrelationId) => $$"""
        [{
          "id": "0f0e0d0c-1111-2222-3333-444455556666",
          "topic": "/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/dvs/providers/microsoft.communication/communicationservices/dvs-acs",
          "subject": "/caller/4:+14255550123/recipient/4:+18005550199",
          "data": {
            "to": { "kind": "phoneNumber", "rawId": "4:+18005550199", "phoneNumber": { "value": "+18005550199" } },
            "from": { "kind": "phoneNumber", "rawId": "4:+14255550123", "phoneNumber": { "value": "+14255550123" } },
            "serverCallId": "aHR0cHM6Ly9hcGkuZmxpZ2h0cHJveHkuc2t5cGUuY29tL2FwaS92Mi9jcC9jb252LXVzZWEyLTAxLnNkay5hc3NpZ25lZC9jYWxsLzEyMzQ=",
            "callerDisplayName": "",
            "incomingCallContext": "{{IncomingCallContext}}",
            "correlationId": "{{correlationId}}"
          },
          "eventType": "Microsoft.Communication.IncomingCall",
          "dataVersion": "1.0",
          "metadataVersion": "1",
          "eventTime": "2026-01-10T03:00:00.1234567Z"
        }]
        """;

    /// <summary>The Event Grid schema subscription validation (header <c>aeg-event-type: SubscriptionValidation</c>).</summary>
    public const string SubscriptionValidation = """
        [{
          "id": "2d1781af-3a4c-4d7c-bd0c-e34b19da4e66",
          "topic": "/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/dvs/providers/microsoft.communication/communicationservices/dvs-acs",
          "subject": "",
          "data": {
            "validationCode": "512d38b6-c7b8-40c8-89fe-f46f9e9622b6",
            "validationUrl": "https://rp-eastus2.eventgrid.azure.net:553/eventsubscriptions/dvs-incoming-call/validate?id=512d38b6-c7b8-40c8-89fe-f46f9e9622b6&t=2026-01-10T03:00:00.0000000Z&apiVersion=2025-02-15&token=xxx"
          },
          "eventType": "Microsoft.EventGrid.SubscriptionValidationEvent",
          "eventTime": "2026-01-10T03:00:00.0000000Z",
          "metadataVersion": "1",
          "dataVersion": "2"
        }]
        """;

    /// <summary>A recorded-shape CallConnected callback for <paramref name="callConnectionId"/>.</summary>
    public static string CallConnected(string callConnectionId) => Callback("CallConnected", callConnectionId, 200, 0, "");

    /// <summary>A CallDisconnected callback.</summary>
    public static string CallDisconnected(string callConnectionId) =>
        Callback("CallDisconnected", callConnectionId, 200, 5001, "This conversation has ended.");

    public static string Callback(string type, string callConnectionId, int code, int subCode, string message) => $$"""
        [{
          "id": "{{Guid.NewGuid()}}",
          "source": "calling/callConnections/{{callConnectionId}}",
          "type": "Microsoft.Communication.{{type}}",
          "data": {
            "version": "2025-06-15",
            "resultInformation": { "code": {{code}}, "subCode": {{subCode}}, "message": "{{message}}" },
            "callConnectionId": "{{callConnectionId}}",
            "serverCallId": "aHR0cHM6Ly9hcGkuZmxpZ2h0cHJveHkuc2t5cGUuY29tL2FwaS92Mi9jcC9jb252LXVzZWEyLTAxLnNkay5hc3NpZ25lZC9jYWxsLzEyMzQ=",
            "correlationId": "{{CorrelationId}}",
            "publicEventType": "Microsoft.Communication.{{type}}"
          },
          "time": "2026-01-10T03:00:01.5161617\u002B00:00",
          "specversion": "1.0",
          "datacontenttype": "application/json",
          "subject": "calling/callConnections/{{callConnectionId}}"
        }]
        """;
}
