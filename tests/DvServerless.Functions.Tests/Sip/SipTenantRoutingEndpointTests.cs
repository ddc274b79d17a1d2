using DvServerless.Testing;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using DvServerless.Adapters.Engines.Realtime;
using DvServerless.Adapters.OpenAI.Calls;
using DvServerless.Adapters.OpenAI.Webhooks;
using DvServerless.Core.Calls;
using DvServerless.Core.Hosting;
using DvServerless.Core.Tenants;
using DvServerless.Functions.Sip;
using DvServerless.Functions.Tests.Fakes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace DvServerless.Functions.Tests.Sip;

/// <summary>
/// Which tenant a SIP call lands in, over HTTP with the real tenant admission: only the webhook secret that verified the
/// delivery names the tenant; the caller-set <c>To</c> header does only behind <c>Sip:RouteByCalledParty</c>.
/// </summary>
public sealed class SipTenantRoutingEndpointTests : IAsyncDisposable
{
    private const string Path = "/api/openai/sip";
    private const string AcmeSecret = "whsec_YWNtZS1vd24tb3BlbmFpLXByb2plY3Qtd2ViaG9vaw==";
    private const string AcmeProjectKey = "sk-acme-own-project";
    private const string AcmeNumber = "+18005550100";
    private const string BetaNumber = "+18005550199";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 10, 3, 0, 0, TimeSpan.Zero));
    private readonly InMemoryCallSessionStore _sessions = new();
    private readonly FakeRealtimeCallControl _gatewayControl = new();
    private readonly FakeSipWorkerClient _worker = new();
    private readonly ReservingCounter _counter = new();
    private readonly RecordingHandler _acmeProject = new();
    private WebApplication? _app;
    private HttpClient _client = null!;

    public async ValueTask DisposeAsync()
    {
        _client?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    [Theory]
    [InlineData(BetaNumber)]
    [InlineData(AcmeNumber)]
    [InlineData("+19995550000")]
    public async Task A_delivery_signed_with_a_tenants_secret_lands_in_that_tenant_whatever_to_says(string to)
    {
        await StartAsync(routeByCalledParty: true);

        using var response = await PostAsync(CallIncoming(Rtc(1), to), "wh_1", AcmeSecret);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Accepted", Json(await response.Content.ReadAsStringAsync()).GetProperty("result").GetString());
        var session = (await _sessions.GetAsync(SipIncomingService.SessionIdFor(Rtc(1))))!;
        Assert.Equal("acme", session.TenantId);
        Assert.Equal("acme", session.Metadata[TenantRealtimeProjects.SessionMetadataKey]);
    }

    [Fact]
    public async Task To_naming_a_tenant_on_a_gateway_signed_delivery_does_not_route_there_by_default()
    {
        await StartAsync(routeByCalledParty: false);

        using var response = await PostAsync(CallIncoming(Rtc(1), BetaNumber), "wh_1", LocalDefaults.OpenAIWebhookSecret);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Accepted", Json(await response.Content.ReadAsStringAsync()).GetProperty("result").GetString());
        Assert.Null((await _sessions.GetAsync(SipIncomingService.SessionIdFor(Rtc(1))))!.TenantId);
        Assert.Equal(1, _counter.Reserved(CallCapacityPolicy.UnroutedCounterKey));
        Assert.Equal(0, _counter.Reserved("beta"));
    }

    [Fact]
    public async Task To_routes_a_gateway_signed_delivery_only_when_the_option_is_on()
    {
        await StartAsync(routeByCalledParty: true);

        using var response = await PostAsync(CallIncoming(Rtc(1), BetaNumber), "wh_1", LocalDefaults.OpenAIWebhookSecret);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var session = (await _sessions.GetAsync(SipIncomingService.SessionIdFor(Rtc(1))))!;
        Assert.Equal("beta", session.TenantId);
        Assert.False(session.Metadata.ContainsKey(TenantRealtimeProjects.SessionMetadataKey));
    }

    [Fact]
    public async Task Calls_of_no_tenant_are_limited_and_the_one_over_the_limit_gets_486()
    {
        await StartAsync(routeByCalledParty: false, unroutedLimit: 2);

        for (var i = 1; i <= 3; i++)
        {
            using var response = await PostAsync(CallIncoming(Rtc(i), BetaNumber), "wh_" + i, LocalDefaults.OpenAIWebhookSecret);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var reply = Json(await response.Content.ReadAsStringAsync());
            Assert.Equal(i <= 2 ? "Accepted" : "Rejected", reply.GetProperty("result").GetString());
        }

        Assert.Equal(2, _gatewayControl.Count("accept"));
        Assert.Equal(("reject", Rtc(3), "486"), Assert.Single(_gatewayControl.Requests, r => r.Operation == "reject"));
        var refused = (await _sessions.GetAsync(SipIncomingService.SessionIdFor(Rtc(3))))!;
        Assert.Equal(CallState.Ended, refused.State);
        Assert.Null(refused.TenantId);
    }

    [Fact]
    public async Task A_tenant_with_its_own_openai_project_gets_its_calls_accepted_with_that_projects_key()
    {
        await StartAsync(routeByCalledParty: false);

        using var response = await PostAsync(CallIncoming(Rtc(1), AcmeNumber), "wh_1", AcmeSecret);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var accept = Assert.Single(_acmeProject.Requests);
        Assert.Equal($"http://127.0.0.1:9/v1/realtime/calls/{Rtc(1)}/accept", accept.RequestUri);
        Assert.Equal("Bearer " + AcmeProjectKey, accept.Authorization);
        Assert.Empty(_gatewayControl.Requests);
    }

    [Fact]
    public async Task A_delivery_signed_with_an_unknown_secret_is_a_400_and_changes_nothing()
    {
        await StartAsync(routeByCalledParty: true);

        using var response = await PostAsync(CallIncoming(Rtc(1), AcmeNumber), "wh_1", "whsec_" + Convert.ToBase64String(new byte[32]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(_sessions.Snapshot());
        Assert.Empty(_gatewayControl.Requests);
        Assert.Empty(_acmeProject.Requests);
    }

    private async Task StartAsync(bool routeByCalledParty, int unroutedLimit = 2)
    {
        _app = FunctionsApp.Build([], builder =>
        {
            builder.WebHost.UseTestServer();
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Sip:RouteByCalledParty"] = routeByCalledParty ? "true" : "false",
                ["Tenants:UnroutedMaxConcurrentCalls"] = unroutedLimit.ToString(CultureInfo.InvariantCulture),
                ["Tenants:Items:0:Id"] = "acme",
                ["Tenants:Items:0:ApiKey"] = "dvs_acme-key-0123456789abcdef",
                ["Tenants:Items:0:PhoneNumbers:0"] = AcmeNumber,
                ["Tenants:Items:0:OpenAIWebhookSecret"] = AcmeSecret,
                ["Tenants:Items:0:OpenAIApiKey"] = AcmeProjectKey,
                ["Tenants:Items:1:Id"] = "beta",
                ["Tenants:Items:1:ApiKey"] = "dvs_beta-key-0123456789abcdef",
                ["Tenants:Items:1:PhoneNumbers:0"] = BetaNumber,
            });
            builder.Services.RemoveAll<ICallSessionStore>();
            builder.Services.AddSingleton<ICallSessionStore>(_sessions);
            builder.Services.RemoveAll<IActiveCallCounter>();
            builder.Services.AddSingleton<IActiveCallCounter>(_counter);
            builder.Services.RemoveAll<IRealtimeCallControl>();
            builder.Services.AddSingleton<IRealtimeCallControl>(_gatewayControl);
            builder.Services.RemoveAll<ISipWorkerClient>();
            builder.Services.AddSingleton<ISipWorkerClient>(_worker);
            builder.Services.RemoveAll<TimeProvider>();
            builder.Services.AddSingleton<TimeProvider>(_time);
            // A tenant's own project is reached by a real client; only its transport is a recorder. Nothing listens on :9.
            builder.Services.Configure<RealtimeEngineOptions>(o => o.BaseUrl = new Uri("http://127.0.0.1:9/v1"));
            builder.Services.RemoveAll<TenantRealtimeProjects>();
            builder.Services.AddSingleton(sp => new TenantRealtimeProjects(
                sp.GetRequiredService<IRealtimeCallControl>(),
                sp.GetRequiredService<IOptions<RealtimeEngineOptions>>().Value,
                sp.GetRequiredService<TenantDirectory>(),
                realtime => new OpenAICallControlClient(new HttpClient(_acmeProject), realtime)));
        });
        await _app.StartAsync();
        _client = _app.GetTestClient();
    }

    private static string Rtc(int n) => "rtc_" + n.ToString("x32", CultureInfo.InvariantCulture);

    private async Task<HttpResponseMessage> PostAsync(byte[] body, string webhookId, string secret)
    {
        var timestamp = _time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, Path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.TryAddWithoutValidation("content-type", "application/json");
        request.Headers.TryAddWithoutValidation("webhook-id", webhookId);
        request.Headers.TryAddWithoutValidation("webhook-timestamp", timestamp);
        request.Headers.TryAddWithoutValidation("webhook-signature", StandardWebhookVerifier.Sign(secret, webhookId, timestamp, body));
        return await _client.SendAsync(request);
    }

    private static byte[] CallIncoming(string sipCallId, string toNumber) => Encoding.UTF8.GetBytes(
        "{\"object\":\"event\",\"id\":\"evt_1\",\"type\":\"realtime.call.incoming\",\"created_at\":1768014000,\"data\":{\"call_id\":\"" + sipCallId
        + "\",\"sip_headers\":[{\"name\":\"From\",\"value\":\"sip:+14155550100@trunk.example.com\"},{\"name\":\"To\",\"value\":\"<sip:" + toNumber
        + "@sip.api.openai.com>\"},{\"name\":\"Call-ID\",\"value\":\"abc@trunk\"}]}}");

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    /// <summary>Counts the calls admitted per key (none ever ends in these tests).</summary>
    private sealed class ReservingCounter : IActiveCallCounter
    {
        private readonly ConcurrentDictionary<string, int> _reserved = new(StringComparer.Ordinal);

        public int Reserved(string key) => _reserved.GetValueOrDefault(key);

        public ValueTask<int> CountActiveAsync(string tenantId, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Reserved(tenantId));

        public void Reserve(string tenantId, string callId) => _reserved.AddOrUpdate(tenantId, 1, (_, n) => n + 1);
    }

    /// <summary>Records the URL and authorization of each request and answers 200.</summary>
    private sealed class RecordingHandler : HttpMessageHandler
    {
        public ConcurrentQueue<(string RequestUri, string? Authorization)> Requests { get; } = new();

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Enqueue((request.RequestUri!.ToString(), request.Headers.Authorization?.ToString()));
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK));
        }
    }
}
