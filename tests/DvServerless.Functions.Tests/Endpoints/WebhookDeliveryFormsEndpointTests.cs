using System.Net;
using System.Net.Http.Headers;
using System.Text;
using DvServerless.Core.Calls;
using DvServerless.Functions.Tests.Fakes;

namespace DvServerless.Functions.Tests.Endpoints;

/// <summary>
/// The two ACS webhooks, end to end through the app, in the valid delivery forms other than the one the simulator sends:
/// IncomingCall in the CloudEvents 1.0 schema as Event Grid delivers it (<c>application/cloudevents+json</c> single,
/// <c>application/cloudevents-batch+json</c> batch; PROTOCOL §4.1), and callbacks as a single CloudEvent, with the payload
/// in <c>data_base64</c>, and of types the gateway does not act on (answered 200 and ignored, PROTOCOL §3.3: ACS retries
/// a non-2xx).
/// </summary>
public sealed class WebhookDeliveryFormsEndpointTests
{
    private const string CallId = IncomingCallSamples.CorrelationId;

    [Theory]
    [InlineData("application/cloudevents+json", false)]
    [InlineData("application/cloudevents-batch+json", true)]
    public async Task An_incoming_call_in_the_cloud_events_schema_is_answered(string mediaType, bool batch)
    {
        await using var host = await TestFunctionsHost.StartAsync();
        var body = batch ? "[" + IncomingCallCloudEvent() + "]" : IncomingCallCloudEvent();

        using var response = await host.Client.SendAsync(Post("/api/acs/incoming-call", body, mediaType));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(host.Services.Acs.Answers);
        Assert.NotNull(await host.Services.Sessions.GetAsync(CallId));
    }

    [Fact]
    public async Task A_callback_sent_as_one_cloud_event_object_is_applied()
    {
        await using var host = await AnsweredCallAsync();

        using var response = await host.Client.SendAsync(IncomingCallEndpointTests.Post($"/api/acs/callbacks/{CallId}", Unwrap(IncomingCallSamples.CallConnected("conn-1"))));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(CallState.Connected, (await host.Services.Sessions.GetAsync(CallId))!.State);
    }

    [Fact]
    public async Task A_callback_with_its_payload_in_data_base64_is_applied()
    {
        await using var host = await AnsweredCallAsync();
        var data = """{"resultInformation":{"code":200,"subCode":0,"message":""},"callConnectionId":"conn-1","serverCallId":"srv-1","correlationId":"CORRELATION"}"""
            .Replace("CORRELATION", CallId, StringComparison.Ordinal);
        var body = $$"""[{"id":"b64-1","source":"calling/callConnections/conn-1","type":"Microsoft.Communication.CallConnected","data_base64":"{{Convert.ToBase64String(Encoding.UTF8.GetBytes(data))}}","specversion":"1.0","datacontenttype":"application/json"}]""";

        using var response = await host.Client.SendAsync(IncomingCallEndpointTests.Post($"/api/acs/callbacks/{CallId}", body));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(CallState.Connected, (await host.Services.Sessions.GetAsync(CallId))!.State);
    }

    [Fact]
    public async Task A_callback_whose_data_base64_is_not_base64_json_gets_400_and_changes_nothing()
    {
        await using var host = await AnsweredCallAsync();
        var before = host.Services.Sessions.Snapshot();
        const string Body = """[{"id":"b64-2","source":"calling/callConnections/conn-1","type":"Microsoft.Communication.CallConnected","data_base64":"not*base64!","specversion":"1.0"}]""";

        using var response = await host.Client.SendAsync(IncomingCallEndpointTests.Post($"/api/acs/callbacks/{CallId}", Body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("data_base64", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, host.Services.Sessions.Snapshot());
    }

    [Theory]
    [InlineData("TranscriptionUpdated")]
    [InlineData("RecordingStateChanged")]
    [InlineData("SomeEventAddedNextYear")]
    public async Task A_callback_of_a_type_the_gateway_does_not_act_on_is_acknowledged_and_changes_nothing(string type)
    {
        await using var host = await AnsweredCallAsync();
        var before = host.Services.Sessions.Snapshot();

        using var response = await host.Client.SendAsync(IncomingCallEndpointTests.Post($"/api/acs/callbacks/{CallId}", IncomingCallSamples.Callback(type, "conn-1", 200, 0, "")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(before, host.Services.Sessions.Snapshot());
    }

    // The sample Event Grid delivery rewritten field by field into the CloudEvents envelope of the published example.
    private static string IncomingCallCloudEvent() => Unwrap(IncomingCallSamples.EventGridDelivery())
        .Replace("\"topic\"", "\"source\"", StringComparison.Ordinal)
        .Replace("\"eventType\"", "\"type\"", StringComparison.Ordinal)
        .Replace("\"dataVersion\": \"1.0\"", "\"specversion\": \"1.0\"", StringComparison.Ordinal)
        .Replace("\"metadataVersion\": \"1\",", string.Empty, StringComparison.Ordinal)
        .Replace("\"eventTime\"", "\"time\"", StringComparison.Ordinal);

    private static string Unwrap(string array) => array.Trim().TrimStart('[').TrimEnd(']');

    private static HttpRequestMessage Post(string route, string body, string mediaType)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, route) { Content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue(mediaType)) };
        request.Headers.Add("aeg-event-type", "Notification");
        return request;
    }

    private static async Task<TestFunctionsHost> AnsweredCallAsync()
    {
        var host = await TestFunctionsHost.StartAsync();
        using var response = await host.Client.SendAsync(IncomingCallEndpointTests.Post("/api/acs/incoming-call", IncomingCallSamples.EventGridDelivery(), "Notification"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return host;
    }
}
