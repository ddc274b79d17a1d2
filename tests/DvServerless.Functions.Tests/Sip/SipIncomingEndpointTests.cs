using DvServerless.Testing;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using DvServerless.Adapters.OpenAI.Calls;
using DvServerless.Adapters.OpenAI.Webhooks;
using DvServerless.Core.Calls;
using DvServerless.Core.Hosting;
using DvServerless.Functions.Sip;
using DvServerless.Functions.Tests.Fakes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace DvServerless.Functions.Tests.Sip;

/// <summary>Function <c>SipIncoming</c> over HTTP: the real app, with OpenAI, the worker and the store faked.</summary>
public sealed class SipIncomingEndpointTests : IAsyncLifetime
{
    private const string Path = "/api/openai/sip";
    private const string SipCallId = "rtc_0123456789abcdef0123456789abcdef";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 10, 3, 0, 0, TimeSpan.Zero));
    private readonly InMemoryCallSessionStore _sessions = new();
    private readonly FakeRealtimeCallControl _control = new();
    private readonly FakeSipWorkerClient _worker = new();
    private WebApplication _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _app = FunctionsApp.Build([], builder =>
        {
            builder.WebHost.UseTestServer();
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Sip:Rules:0:Header"] = "X-Customer-Id",
                ["Sip:Rules:0:Contains"] = "blocked",
                ["Sip:Rules:0:Status"] = "486",
            });
            builder.Services.RemoveAll<ICallSessionStore>();
            builder.Services.AddSingleton<ICallSessionStore>(_sessions);
            builder.Services.RemoveAll<IRealtimeCallControl>();
            builder.Services.AddSingleton<IRealtimeCallControl>(_control);
            builder.Services.RemoveAll<ISipWorkerClient>();
            builder.Services.AddSingleton<ISipWorkerClient>(_worker);
            builder.Services.RemoveAll<TimeProvider>();
            builder.Services.AddSingleton<TimeProvider>(_time);
        });
        await _app.StartAsync();
        _client = _app.GetTestClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task A_signed_incoming_call_is_accepted_once_and_a_redelivery_is_acknowledged_without_a_second_accept()
    {
        var body = CallIncoming();

        using var first = await PostAsync(body, "wh_1");
        using var second = await PostAsync(body, "wh_1");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("Accepted", Json(await first.Content.ReadAsStringAsync()).GetProperty("result").GetString());
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal("Duplicate", Json(await second.Content.ReadAsStringAsync()).GetProperty("result").GetString());
        Assert.Equal(1, _control.Count("accept"));
        Assert.Single(_worker.Attaches);
    }

    [Fact]
    public async Task A_call_still_being_decided_answers_a_redelivery_503_with_retry_after_and_a_later_one_takes_it_over()
    {
        var body = CallIncoming();
        _worker.CapacityFailure = new HttpRequestException("worker unreachable mid-decision");
        // Kestrel answers an unhandled failure 500; the test server hands the exception to the client instead.
        var failure = await Assert.ThrowsAsync<HttpRequestException>(() => PostAsync(body, "wh_1"));
        Assert.Equal("worker unreachable mid-decision", failure.Message);

        _worker.CapacityFailure = null;
        using var early = await PostAsync(body, "wh_1");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, early.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(5), early.Headers.RetryAfter?.Delta);
        Assert.Equal("InProgress", Json(await early.Content.ReadAsStringAsync()).GetProperty("result").GetString());
        Assert.Empty(_control.Requests);

        _time.Advance(TimeSpan.FromSeconds(16));
        using var late = await PostAsync(body, "wh_1");

        Assert.Equal(HttpStatusCode.OK, late.StatusCode);
        Assert.Equal("Accepted", Json(await late.Content.ReadAsStringAsync()).GetProperty("result").GetString());
        Assert.Equal(1, _control.Count("accept"));
    }

    [Theory]
    [InlineData("tampered")]
    [InlineData("wrong-secret")]
    [InlineData("stale")]
    [InlineData("unsigned")]
    public async Task A_webhook_that_does_not_verify_is_a_400_and_changes_nothing(string fault)
    {
        var body = CallIncoming();
        var timestamp = _time.GetUtcNow().ToUnixTimeSeconds() - (fault == "stale" ? 301 : 0);
        var secret = fault == "wrong-secret" ? "whsec_" + Convert.ToBase64String(new byte[32]) : LocalDefaults.OpenAIWebhookSecret;
        var signature = StandardWebhookVerifier.Sign(secret, "wh_1", timestamp.ToString(CultureInfo.InvariantCulture), body);
        var sent = fault == "tampered" ? Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(body).Replace("+1415", "+1416", StringComparison.Ordinal)) : body;

        using var request = new HttpRequestMessage(HttpMethod.Post, Path) { Content = new ByteArrayContent(sent) };
        request.Content.Headers.TryAddWithoutValidation("content-type", "application/json");
        if (fault != "unsigned")
        {
            request.Headers.TryAddWithoutValidation("webhook-id", "wh_1");
            request.Headers.TryAddWithoutValidation("webhook-timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
            request.Headers.TryAddWithoutValidation("webhook-signature", signature);
        }

        using var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(_sessions.Snapshot());
        Assert.Empty(_control.Requests);
        Assert.Empty(_worker.Attaches);
    }

    [Theory]
    [InlineData("""{"object":"event","id":"evt_2","type":"live.call.incoming","created_at":1768014000,"data":{"session_id":"rtc_0123456789abcdef0123456789abcdef","sip_headers":[]}}""")]
    [InlineData("""{"object":"event","id":"evt_3","type":"response.completed","created_at":1768014000,"data":{"id":"resp_1"}}""")]
    public async Task Other_event_types_are_acknowledged_and_ignored(string json)
    {
        using var response = await PostAsync(Encoding.UTF8.GetBytes(json), "wh_9");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ignored", Json(await response.Content.ReadAsStringAsync()).GetProperty("result").GetString());
        Assert.Empty(_sessions.Snapshot());
        Assert.Empty(_control.Requests);
    }

    [Theory]
    [InlineData("""{"type":"realtime.call.incoming","id":"evt_1","created_at":1768014000,"data":{}}""")]
    [InlineData("""not json""")]
    public async Task A_signed_but_malformed_call_event_is_a_400_and_changes_nothing(string json)
    {
        using var response = await PostAsync(Encoding.UTF8.GetBytes(json), "wh_1");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(_sessions.Snapshot());
        Assert.Empty(_control.Requests);
    }

    [Fact]
    public async Task A_reject_rule_on_a_custom_header_rejects_with_its_status()
    {
        using var response = await PostAsync(CallIncoming(customerId: "blocked-7"), "wh_1");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var reply = Json(await response.Content.ReadAsStringAsync());
        Assert.Equal("Rejected", reply.GetProperty("result").GetString());
        Assert.Equal(486, reply.GetProperty("rejectStatus").GetInt32());
        Assert.Equal(("reject", SipCallId, "486"), Assert.Single(_control.Requests));
    }

    private async Task<HttpResponseMessage> PostAsync(byte[] body, string webhookId)
    {
        var timestamp = _time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, Path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.TryAddWithoutValidation("content-type", "application/json");
        request.Headers.TryAddWithoutValidation("webhook-id", webhookId);
        request.Headers.TryAddWithoutValidation("webhook-timestamp", timestamp);
        request.Headers.TryAddWithoutValidation("webhook-signature", StandardWebhookVerifier.Sign(LocalDefaults.OpenAIWebhookSecret, webhookId, timestamp, body));
        return await _client.SendAsync(request);
    }

    // The wire shape of PROTOCOL §2.2, '+' unescaped as OpenAI sends it.
    private static byte[] CallIncoming(string customerId = "c-42") => Encoding.UTF8.GetBytes(
        "{\"object\":\"event\",\"id\":\"evt_1\",\"type\":\"realtime.call.incoming\",\"created_at\":1768014000,\"data\":{\"call_id\":\"" + SipCallId
        + "\",\"sip_headers\":[{\"name\":\"From\",\"value\":\"sip:+14155550100@trunk.example.com\"},{\"name\":\"To\",\"value\":\"sip:+14155550199@sip.api.openai.com\"},"
        + "{\"name\":\"Call-ID\",\"value\":\"abc@trunk\"},{\"name\":\"X-Customer-Id\",\"value\":\"" + customerId + "\"}]}}");

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();
}
