using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using DvServerless.Core.Calls;
using DvServerless.Core.Hosting;
using DvServerless.Core.Security;
using DvServerless.Core.Tenants;
using DvServerless.Functions.Tests.Tenants;
using DvServerless.Functions.Tests.BrowserSessions;
using DvServerless.Functions.BrowserSessions;
using DvServerless.Simulators.Realtime;
using DvServerless.Testing;

namespace DvServerless.Functions.Tests.Realtime;

/// <summary>
/// Ephemeral keys minted by the Realtime simulator through the app's adapter, and WebRTC calls handed to the (fake)
/// worker's sideband attach.
/// </summary>
public sealed class RealtimeApiTests : IClassFixture<AzuriteFixture>
{
    private readonly AzuriteFixture _azurite;

    public RealtimeApiTests(AzuriteFixture azurite) => _azurite = azurite;

    private static HttpRequestMessage Post(string path, string? json, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        request.Headers.Add("X-Api-Key", key);
        return request;
    }

    private static Task<TenantApiHost> StartHostAsync(string azurite, RealtimeSimulator simulator, string apiKey, FakeBrowserWorker? worker = null) =>
        TenantApiHost.StartAsync(azurite, new Dictionary<string, string?>
        {
            ["OpenAI:BaseUrl"] = simulator.BaseUrl,
            ["OpenAI:ApiKey"] = apiKey,
            ["OpenAI:Voice"] = "cedar",
            ["OpenAI:Instructions"] = "You answer questions about the test tenant's opening hours.",
            ["MediaWorker:BaseUrl"] = worker?.BaseUrl.ToString() ?? LocalDefaults.MediaWorkerBaseUrl,
            // The fake worker takes the attach over HTTP on its one port: no queues here.
            ["MediaWorker:InternalBaseUrls:0"] = worker?.BaseUrl.ToString() ?? LocalDefaults.MediaWorkerBaseUrl,
            ["CommandQueue:Enabled"] = "false",
        }, DateTimeOffset.UtcNow);

    [SkippableFact]
    public async Task A_client_secret_carries_the_agents_session_and_the_asked_lifetime()
    {
        var connection = _azurite.Require();
        await using var simulator = await RealtimeSimulator.StartAsync(new RealtimeSimulatorOptions());
        await using var host = await StartHostAsync(connection, simulator, LocalDefaults.RealtimeSimulatorApiKey);

        var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        using var request = Post("/api/v1/realtime/client-secret", """{"expires_after_seconds":120}""", TenantApiHost.AcmeKey);
        using var response = await host.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        Assert.Equal(["value", "expires_at"], body.Select(p => p.Key));

        var minted = Assert.Single(simulator.Records.ClientSecrets);
        Assert.Equal(minted.Value, body["value"]!.GetValue<string>());
        Assert.StartsWith("ek_", minted.Value, StringComparison.Ordinal);
        Assert.Equal(minted.ExpiresAt, body["expires_at"]!.GetValue<long>());
        Assert.InRange(minted.ExpiresAt, before + 120, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 120);
        Assert.Equal("realtime", minted.Session["type"]!.GetValue<string>());
        Assert.Equal("cedar", minted.Session["audio"]!["output"]!["voice"]!.GetValue<string>());
        Assert.Equal("You answer questions about the test tenant's opening hours.", minted.Session["instructions"]!.GetValue<string>());

        // No body: the default lifetime of 600 s.
        using var plain = Post("/api/v1/realtime/client-secret", null, TenantApiHost.AcmeKey);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.SendAsync(plain)).StatusCode);
        var second = simulator.Records.ClientSecrets[1];
        Assert.InRange(second.ExpiresAt - minted.ExpiresAt, 480, 600);
    }

    [SkippableTheory]
    [InlineData("""{"expires_after_seconds":9}""")]
    [InlineData("""{"expires_after_seconds":7201}""")]
    [InlineData("""{"expires_after_seconds":"60"}""")]
    [InlineData("""{"ttl":60}""")]
    public async Task A_bad_lifetime_is_400_and_mints_nothing(string json)
    {
        var connection = _azurite.Require();
        await using var simulator = await RealtimeSimulator.StartAsync(new RealtimeSimulatorOptions());
        await using var host = await StartHostAsync(connection, simulator, LocalDefaults.RealtimeSimulatorApiKey);

        using var request = Post("/api/v1/realtime/client-secret", json, TenantApiHost.AcmeKey);
        Assert.Equal(HttpStatusCode.BadRequest, (await host.Client.SendAsync(request)).StatusCode);
        Assert.Empty(simulator.Records.ClientSecrets);
    }

    [SkippableFact]
    public async Task A_mint_while_openai_is_down_is_503_with_its_retry_after_not_a_bare_502()
    {
        var connection = _azurite.Require();
        await using var simulator = await RealtimeSimulator.StartAsync(new RealtimeSimulatorOptions());
        // OpenAI throttles and asks for 20 s, longer than the client waits (5 s): one try, and the page is told when.
        simulator.RestFaults.Add(DvServerless.Simulators.Faults.RestFault.Always("client_secrets", 429, TimeSpan.FromSeconds(20)));
        await using var host = await StartHostAsync(connection, simulator, LocalDefaults.RealtimeSimulatorApiKey);

        using var request = Post("/api/v1/realtime/client-secret", "{}", TenantApiHost.AcmeKey);
        using var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(20), response.Headers.RetryAfter?.Delta);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("\"upstream_unavailable\"", text, StringComparison.Ordinal);
        Assert.Contains("\"retryAfter\":20", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Rate limit reached", text, StringComparison.Ordinal);
        Assert.Single(simulator.RestFaults.Requests);
        Assert.Empty(simulator.Records.ClientSecrets);
    }

    [SkippableFact]
    public async Task A_refused_mint_is_502_without_the_upstreams_text()
    {
        var connection = _azurite.Require();
        await using var simulator = await RealtimeSimulator.StartAsync(new RealtimeSimulatorOptions());
        await using var host = await StartHostAsync(connection, simulator, "sk-wrong-key-for-the-simulator");

        using var request = Post("/api/v1/realtime/client-secret", "{}", TenantApiHost.AcmeKey);
        using var response = await host.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("Incorrect API key", text, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-wrong", text, StringComparison.Ordinal);
        Assert.Empty(simulator.Records.ClientSecrets);
    }

    [SkippableFact]
    public async Task Attach_records_a_webrtc_browser_session_and_hands_the_call_to_the_sideband_once()
    {
        var connection = _azurite.Require();
        await using var simulator = await RealtimeSimulator.StartAsync(new RealtimeSimulatorOptions());
        await using var worker = await FakeBrowserWorker.StartAsync();
        await using var host = await StartHostAsync(connection, simulator, LocalDefaults.RealtimeSimulatorApiKey, worker);
        const string CallId = "rtc_u1_9c2b7e4d5f6a4b8c";

        using var request = Post($"/api/v1/realtime/calls/{CallId}/attach", null, TenantApiHost.AcmeKey);
        using var response = await host.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var room = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["data"]!["room_name"]!.GetValue<string>();
        Assert.Equal(BrowserSessionService.SessionIdForWebRtc(CallId), room);

        var attach = Assert.Single(worker.Requests);
        Assert.Equal("/internal/sip/attach", attach.Path);
        Assert.Equal(MediaTokenStatus.Valid, attach.Token);
        var sent = JsonNode.Parse(attach.Body)!;
        Assert.Equal(room, sent["callId"]!.GetValue<string>());
        Assert.Equal(CallId, sent["sipCallId"]!.GetValue<string>());

        var session = await host.Sessions.GetAsync(room);
        Assert.NotNull(session);
        Assert.Equal(CallChannel.Browser, session.Channel);
        Assert.Equal("acme", session.TenantId);
        Assert.Equal(CallState.Connected, session.State);
        Assert.Equal("true", session.Metadata[BrowserSessionMetadata.WebRtc]);

        // Once only; another tenant is refused and audited; a malformed id is 400. None of these reaches the worker.
        using var again = Post($"/api/v1/realtime/calls/{CallId}/attach", null, TenantApiHost.AcmeKey);
        Assert.Equal(HttpStatusCode.Conflict, (await host.Client.SendAsync(again)).StatusCode);
        using var foreign = Post($"/api/v1/realtime/calls/{CallId}/attach", null, TenantApiHost.ContosoKey);
        Assert.Equal(HttpStatusCode.Forbidden, (await host.Client.SendAsync(foreign)).StatusCode);
        using var malformed = Post("/api/v1/realtime/calls/not%20a%20call/attach", null, TenantApiHost.AcmeKey);
        Assert.Equal(HttpStatusCode.BadRequest, (await host.Client.SendAsync(malformed)).StatusCode);
        Assert.Single(worker.Requests);
        var audit = await host.Audit.ReadAsync("contoso", DateOnly.FromDateTime(host.Time.GetUtcNow().UtcDateTime));
        Assert.Contains(audit, l => l.Status == 403 && l.Action == AuditAction.CrossTenantAttempt);

        // A browser command makes no sense for a WebRTC session: its audio never crosses the gateway.
        using var stop = Post("/api/v1/voice/stop", $$"""{"room_name":"{{room}}"}""", TenantApiHost.AcmeKey);
        Assert.Equal(HttpStatusCode.Conflict, (await host.Client.SendAsync(stop)).StatusCode);
    }

    [SkippableFact]
    public async Task An_attach_the_worker_refuses_leaves_the_session_failed_and_answers_502()
    {
        var connection = _azurite.Require();
        await using var simulator = await RealtimeSimulator.StartAsync(new RealtimeSimulatorOptions());
        var worker = await FakeBrowserWorker.StartAsync();
        await using var host = await StartHostAsync(connection, simulator, LocalDefaults.RealtimeSimulatorApiKey, worker);
        await worker.DisposeAsync();
        const string CallId = "rtc_u1_0a1b2c3d4e5f6a7b";

        using var request = Post($"/api/v1/realtime/calls/{CallId}/attach", null, TenantApiHost.AcmeKey);
        Assert.Equal(HttpStatusCode.BadGateway, (await host.Client.SendAsync(request)).StatusCode);
        var session = await host.Sessions.GetAsync(BrowserSessionService.SessionIdForWebRtc(CallId));
        Assert.Equal(CallState.Failed, session!.State);
    }
}
