using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using DvServerless.Core.Hosting;
using DvServerless.Simulators.Realtime;
using DvServerless.Simulators.Realtime.Sip;

namespace DvServerless.Simulators.Tests.Realtime.Sip;

[SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable", Justification = "xUnit v2 disposes test classes through IAsyncLifetime.DisposeAsync, which this rule does not know; it releases the fields.")]
public sealed class SipCallControlEndpointTests : IAsyncLifetime
{
    private RealtimeSimulator _simulator = null!;
    private readonly HttpClient _http = new();

    public async Task InitializeAsync()
    {
        _simulator = await RealtimeSimulator.StartAsync(new RealtimeSimulatorOptions());
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", LocalDefaults.RealtimeSimulatorApiKey);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _simulator.DisposeAsync();
    }

    private Task<HttpResponseMessage> PostAsync(string callId, string operation, string? json, string? baseUrl = null) =>
        _http.PostAsync($"{baseUrl ?? _simulator.BaseUrl}/realtime/calls/{callId}/{operation}",
            json is null ? null : new StringContent(json, Encoding.UTF8, "application/json"));

    /// <summary>Places a call whose webhook receiver runs <paramref name="onCall"/> with the call id, then waits for the call.</summary>
    private async Task<SipCallResult> CallAsync(Func<string, Task> onCall)
    {
        await using var receiver = await TestWebhookReceiver.StartAsync(async (delivery, _) =>
        {
            var callId = (string)JsonNode.Parse(delivery.Body)!["data"]!["call_id"]!;
            await onCall(callId);
            return 200;
        });
        return await _simulator.PlaceSipCallAsync(new SipCallRequest
        {
            WebhookUrl = receiver.Url, DecisionTimeout = TimeSpan.FromSeconds(1), AttachTimeout = TimeSpan.FromMilliseconds(300),
        });
    }

    [Theory]
    [InlineData("threshold")]
    [InlineData("prefix_padding_ms")]
    [InlineData("silence_duration_ms")]
    public async Task Accept_refuses_the_vad_fields_sip_does_not_support(string field)
    {
        var status = HttpStatusCode.OK;
        var message = string.Empty;
        var result = await CallAsync(async callId =>
        {
            var response = await PostAsync(callId, "accept",
                "{\"type\":\"realtime\",\"model\":\"gpt-realtime\",\"audio\":{\"input\":{\"turn_detection\":{\"type\":\"server_vad\",\"" + field + "\":1}}}}");
            status = response.StatusCode;
            message = (string)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!["message"]!;
        });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal($"Unknown parameter: 'session.audio.input.turn_detection.{field}'.", message);
        Assert.Equal(0, result.AcceptCount);
        Assert.Equal(SipCallEnd.NotAnswered, result.End);
    }

    [Fact]
    public async Task Accept_without_type_is_refused_and_a_valid_accept_is_counted_per_call()
    {
        HttpStatusCode missing = 0, first = 0, second = 0, hangup = 0, afterEnd = 0;
        var result = await CallAsync(async callId =>
        {
            missing = (await PostAsync(callId, "accept", """{"model":"gpt-realtime","instructions":"Hi"}""")).StatusCode;
            first = (await PostAsync(callId, "accept", """{"type":"realtime","model":"gpt-realtime","instructions":"Hi"}""")).StatusCode;
            second = (await PostAsync(callId, "accept", """{"type":"realtime","model":"gpt-realtime"}""", _simulator.AzureBaseUrl)).StatusCode;
            hangup = (await PostAsync(callId, "hangup", null)).StatusCode;
            afterEnd = (await PostAsync(callId, "hangup", null)).StatusCode;
        });
        Assert.Equal(HttpStatusCode.BadRequest, missing);
        Assert.Equal(HttpStatusCode.OK, first);
        Assert.Equal(HttpStatusCode.OK, second);
        Assert.Equal(HttpStatusCode.OK, hangup);
        Assert.Equal(HttpStatusCode.NotFound, afterEnd);
        Assert.Equal(2, result.AcceptCount);
        Assert.Equal(SipCallEnd.AppHungUp, result.End);
        Assert.Contains("\"instructions\":\"Hi\"", result.AcceptedSessionJson, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, 603)]
    [InlineData("""{"status_code":486}""", 486)]
    public async Task Reject_records_the_status(string? body, int expected)
    {
        var result = await CallAsync(async callId => Assert.Equal(HttpStatusCode.OK, (await PostAsync(callId, "reject", body)).StatusCode));
        Assert.Equal(SipCallEnd.Rejected, result.End);
        Assert.Equal(expected, result.RejectStatus);
    }

    [Fact]
    public async Task Refer_records_the_target_and_validates_the_body()
    {
        HttpStatusCode beforeAccept = 0, noTarget = 0, extra = 0;
        var result = await CallAsync(async callId =>
        {
            beforeAccept = (await PostAsync(callId, "refer", """{"target_uri":"tel:+14155550123"}""")).StatusCode;
            await PostAsync(callId, "accept", """{"type":"realtime"}""");
            noTarget = (await PostAsync(callId, "refer", "{}")).StatusCode;
            extra = (await PostAsync(callId, "refer", """{"target_uri":"tel:+1","x":1}""")).StatusCode;
            Assert.Equal(HttpStatusCode.OK, (await PostAsync(callId, "refer", """{"target_uri":"tel:+14155550123"}""")).StatusCode);
        });
        Assert.Equal(HttpStatusCode.NotFound, beforeAccept);
        Assert.Equal(HttpStatusCode.BadRequest, noTarget);
        Assert.Equal(HttpStatusCode.BadRequest, extra);
        Assert.Equal(SipCallEnd.Referred, result.End);
        Assert.Equal("tel:+14155550123", result.ReferTarget);
    }

    [Theory]
    [InlineData("accept", """{"type":"realtime"}""")]
    [InlineData("reject", null)]
    [InlineData("refer", """{"target_uri":"tel:+14155550123"}""")]
    [InlineData("hangup", null)]
    public async Task Unknown_calls_answer_404(string operation, string? body)
    {
        var response = await PostAsync("rtc_0123456789abcdef0123456789abcdef", operation, body);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Call_control_needs_the_key()
    {
        using var anonymous = new HttpClient();
        var response = await anonymous.PostAsync($"{_simulator.BaseUrl}/realtime/calls/rtc_1/hangup", null);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
