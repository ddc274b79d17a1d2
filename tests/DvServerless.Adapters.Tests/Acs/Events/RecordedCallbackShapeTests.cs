using DvServerless.Adapters.Acs.Events;

namespace DvServerless.Adapters.Tests.Acs.Events;

/// <summary>
/// Callbacks in the exact shape ACS sends (as recorded by the .NET SDK's live tests): one-element CloudEvents arrays,
/// <c>time</c> with a <c>\u002B</c> JSON escape, <c>version</c>/<c>publicEventType</c>/<c>eventSource</c> extras, an empty
/// result message, no <c>operationContext</c> on CallConnected, and DiagCode suffixes on CallDisconnected.
/// </summary>
public sealed class RecordedCallbackShapeTests
{
    private const string ConnectionId = "19002280-86a4-4baa-8278-40a9455d7505";
    private const string ServerCallId = "aHR0cHM6Ly9hcGkuZmxpZ2h0cHJveHkuc2t5cGUuY29tL2FwaS92Mi9jcC9jb252P2k9MTA=";

    private static string Event(string type, string data) => $$"""
        [{"id":"Sanitized","source":"calling/callConnections/{{ConnectionId}}","type":"Microsoft.Communication.{{type}}","data":{{{data}},"version":"2024-01-22-preview","callConnectionId":"{{ConnectionId}}","serverCallId":"{{ServerCallId}}","correlationId":"20f65afb-c5d4-483d-a2d1-ff3983d992ff","publicEventType":"Microsoft.Communication.{{type}}"},"time":"2025-02-14T22:34:37.7938205\u002B00:00","specversion":"1.0","datacontenttype":"application/json","subject":"calling/callConnections/{{ConnectionId}}"}]
        """;

    [Fact]
    public void Call_connected_as_recorded()
    {
        var parsed = Assert.Single(CallAutomationEventParser.Parse(BinaryData.FromString(
            Event("CallConnected", "\"resultInformation\":{\"code\":200,\"subCode\":0,\"message\":\"\"}"))));

        Assert.Equal("CallConnected", parsed.Type);
        Assert.Equal(ConnectionId, parsed.CallConnectionId);
        Assert.Equal(ServerCallId, parsed.ServerCallId);
        Assert.Equal("20f65afb-c5d4-483d-a2d1-ff3983d992ff", parsed.CorrelationId);
        Assert.Null(parsed.OperationContext);
        Assert.Equal((200, 0), (parsed.ResultCode, parsed.ResultSubCode));
    }

    [Theory]
    [InlineData(7000, "The conversation has ended. DiagCode: 0#7000.@")]
    [InlineData(5001, "This conversation has ended.. DiagCode: 0#5001.@")]
    public void Call_disconnected_as_recorded(int subCode, string message)
    {
        var parsed = Assert.Single(CallAutomationEventParser.Parse(BinaryData.FromString(
            Event("CallDisconnected", $"\"resultInformation\":{{\"code\":200,\"subCode\":{subCode},\"message\":\"{message}\"}}"))));

        Assert.Equal("CallDisconnected", parsed.Type);
        Assert.Equal((200, subCode, message), (parsed.ResultCode, parsed.ResultSubCode, parsed.ResultMessage));
    }

    [Fact]
    public void Media_streaming_started_and_participants_updated_as_recorded()
    {
        var started = Assert.Single(CallAutomationEventParser.Parse(BinaryData.FromString(Event("MediaStreamingStarted",
            $"\"eventSource\":\"calling/callConnections/{ConnectionId}\",\"mediaStreamingUpdate\":{{\"contentType\":\"Audio\",\"mediaStreamingStatus\":\"mediaStreamingStarted\",\"mediaStreamingStatusDetails\":\"subscriptionStarted\"}},\"operationContext\":\"startMediaStreamingContext\",\"resultInformation\":{{\"code\":200,\"subCode\":0,\"message\":\"Action completed successfully.\"}}"))));
        Assert.Equal("MediaStreamingStarted", started.Type);
        Assert.Equal("startMediaStreamingContext", started.OperationContext);
        Assert.Equal("Audio", started.Data.GetProperty("mediaStreamingUpdate").GetProperty("contentType").GetString());

        var participants = Assert.Single(CallAutomationEventParser.Parse(BinaryData.FromString(Event("ParticipantsUpdated",
            "\"participants\":[{\"identifier\":{\"rawId\":\"Sanitized\",\"kind\":\"communicationUser\",\"communicationUser\":{\"id\":\"Sanitized\"}},\"isMuted\":false,\"isOnHold\":false}],\"sequenceNumber\":1,\"resultInformation\":{\"code\":200,\"subCode\":0,\"message\":\"\"}"))));
        Assert.Equal("ParticipantsUpdated", participants.Type);
        Assert.Equal(ConnectionId, participants.CallConnectionId);
    }
}
