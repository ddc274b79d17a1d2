using DvServerless.Adapters.Acs.Events;

namespace DvServerless.Adapters.Tests.Acs.Events;

public sealed class CallAutomationEventParserTests
{
    [Fact]
    public void Parses_recorded_shape_call_connected()
    {
        var body = BinaryData.FromString("""[{"id":"0f1b5c3e-7d6a-4bf7-9d0b-1e2a3b4c5d6e","source":"calling/callConnections/421f3500-f5de-4c12-bf61-9e2641433687","type":"Microsoft.Communication.CallConnected","data":{"version":"2025-06-15","operationContext":"answer","resultInformation":{"code":200,"subCode":0,"message":""},"callConnectionId":"421f3500-f5de-4c12-bf61-9e2641433687","serverCallId":"aHR0cHM6Ly9hcGk","correlationId":"d2c1c3e2-0000-4000-8000-000000000001","publicEventType":"Microsoft.Communication.CallConnected"},"time":"2025-06-20T18:09:12.2839478\u002B00:00","specversion":"1.0","datacontenttype":"application/json","subject":"calling/callConnections/421f3500-f5de-4c12-bf61-9e2641433687"}]""");
        var e = Assert.Single(CallAutomationEventParser.Parse(body));
        Assert.Equal("CallConnected", e.Type);
        Assert.Equal("0f1b5c3e-7d6a-4bf7-9d0b-1e2a3b4c5d6e", e.EventId);
        Assert.Equal("421f3500-f5de-4c12-bf61-9e2641433687", e.CallConnectionId);
        Assert.Equal("aHR0cHM6Ly9hcGk", e.ServerCallId);
        Assert.Equal("d2c1c3e2-0000-4000-8000-000000000001", e.CorrelationId);
        Assert.Equal("answer", e.OperationContext);
        Assert.Equal(200, e.ResultCode);
        Assert.Equal(0, e.ResultSubCode);
        Assert.Equal("", e.ResultMessage);
        Assert.Equal("2025-06-15", e.Data.GetProperty("version").GetString());
    }

    [Fact]
    public void Parses_call_disconnected_with_legacy_source_and_batch()
    {
        var body = BinaryData.FromString("""
            [{"id":"a","source":"calling/callConnections/c1/CallDisconnected","type":"Microsoft.Communication.CallDisconnected","data":{"callConnectionId":"c1","resultInformation":{"code":200,"subCode":7000,"message":"Call was ended by Azure Communication Service Call Automation API or a server bot"},"extra":{"nested":[1]}},"time":"2023-01-01T00:00:00Z","specversion":"1.0","subject":"calling/callConnections/c1/CallDisconnected"},
             {"id":"b","source":"whatever","type":"Microsoft.Communication.PlayCompleted","data":{"callConnectionId":"c1","operationContext":"greet"},"specversion":"1.0"}]
            """);
        var events = CallAutomationEventParser.Parse(body);
        Assert.Equal(2, events.Count);
        Assert.Equal("CallDisconnected", events[0].Type);
        Assert.Equal(7000, events[0].ResultSubCode);
        Assert.Equal("c1", events[0].CallConnectionId);
        Assert.Equal("PlayCompleted", events[1].Type);
        Assert.Equal("greet", events[1].OperationContext);
    }

    [Fact]
    public void Parses_media_streaming_started_with_capital_audio()
    {
        var body = BinaryData.FromString("""{"id":"m","source":"calling/callConnections/c2","type":"Microsoft.Communication.MediaStreamingStarted","data":{"mediaStreamingUpdate":{"contentType":"Audio","mediaStreamingStatus":"mediaStreamingStarted","mediaStreamingStatusDetails":"subscriptionStarted"},"callConnectionId":"c2","resultInformation":{"code":200,"subCode":0,"message":"Action completed successfully."}},"time":"2025-06-20T18:09:13.0000000\u002B00:00","specversion":"1.0"}""");
        var e = Assert.Single(CallAutomationEventParser.Parse(body));
        Assert.Equal("MediaStreamingStarted", e.Type);
        Assert.Equal("Audio", e.Data.GetProperty("mediaStreamingUpdate").GetProperty("contentType").GetString());
        Assert.Equal("c2", e.CallConnectionId);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("42")]
    [InlineData("[1]")]
    [InlineData("""[{"id":"x","data":{}}]""")]
    [InlineData("""[{"\uD800":1,"type":"Microsoft.Communication.CallConnected"}]""")]
    [InlineData("""{"id":"e","type":"Microsoft.Communication.PlayFailed","data":{"resultInformation":{"code":1,"\uD800":"0","message":"m"}}}""")]
    [InlineData("""{"id":"e","type":"Microsoft.Communication.CallConnected","data":{"callConnectionId":"c\uDC00"}}""")]
    public void Malformed_bodies_throw_FormatException(string body)
    {
        Assert.Throws<FormatException>(() => CallAutomationEventParser.Parse(BinaryData.FromString(body)));
    }
}
