using System.Text;
using DvServerless.Adapters.Acs.Events;

namespace DvServerless.Adapters.Tests.Acs.Events;

/// <summary>
/// Callback bodies in the forms the CloudEvents 1.0 JSON format allows beyond the one ACS is recorded sending: the event
/// payload as <c>data_base64</c> instead of <c>data</c> (CloudEvents JSON format §3.1, which Azure.Core's
/// <c>CloudEvent.Parse</c> accepts too). A <c>data_base64</c> that is not base64 of a JSON object is a malformed body.
/// </summary>
public sealed class CallbackCloudEventFormsTests
{
    private const string Data = """{"version":"2025-06-15","resultInformation":{"code":200,"subCode":0,"message":""},"callConnectionId":"conn-1","serverCallId":"srv-1","correlationId":"corr-1","operationContext":"ctx"}""";

    [Fact]
    public void A_payload_sent_as_data_base64_is_read_like_data()
    {
        var body = $$"""[{"id":"e1","source":"calling/callConnections/conn-1","type":"Microsoft.Communication.CallConnected","data_base64":"{{Base64(Data)}}","time":"2026-01-10T03:00:01.5161617+00:00","specversion":"1.0","datacontenttype":"application/json","subject":"calling/callConnections/conn-1"}]""";

        var callback = Assert.Single(CallAutomationEventParser.Parse(BinaryData.FromString(body)));

        Assert.Equal("CallConnected", callback.Type);
        Assert.Equal("conn-1", callback.CallConnectionId);
        Assert.Equal("srv-1", callback.ServerCallId);
        Assert.Equal("corr-1", callback.CorrelationId);
        Assert.Equal("ctx", callback.OperationContext);
        Assert.Equal(200, callback.ResultCode);
        Assert.Equal(0, callback.ResultSubCode);
    }

    [Theory]
    [InlineData("not*base64!")]
    [InlineData("bm90IGpzb24=")]
    [InlineData("WzEsMl0=")]
    [InlineData("InRleHQi")]
    public void A_data_base64_that_is_not_a_json_object_is_malformed(string dataBase64)
    {
        var body = $$"""[{"id":"e1","source":"s","type":"Microsoft.Communication.CallConnected","data_base64":"{{dataBase64}}","specversion":"1.0"}]""";

        var error = Assert.Throws<FormatException>(() => CallAutomationEventParser.Parse(BinaryData.FromString(body)));

        Assert.Contains("data_base64", error.Message, StringComparison.Ordinal);
    }

    private static string Base64(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json));
}
