using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using DvServerless.Core.Calls;
using DvServerless.Core.Hosting;
using DvServerless.Core.Security;
using DvServerless.Core.Tenants;
using DvServerless.Functions.Tests.Tenants;
using DvServerless.Functions.BrowserSessions;
using DvServerless.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace DvServerless.Functions.Tests.BrowserSessions;

/// <summary>
/// The browser-session API end to end: the real Functions app over Azurite with tenants acme and contoso, and a fake media
/// worker on loopback that checks the browser-control tokens it is sent.
/// </summary>
public sealed partial class VoiceApiTests : IClassFixture<AzuriteFixture>
{
    private readonly AzuriteFixture _azurite;

    public VoiceApiTests(AzuriteFixture azurite) => _azurite = azurite;

    private static Task<TenantApiHost> StartHostAsync(string azurite, FakeBrowserWorker worker, IDictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["MediaWorker:BaseUrl"] = worker.BaseUrl.ToString(),
            // The fake worker takes commands and attaches over HTTP on its one port: no queues here.
            ["MediaWorker:InternalBaseUrls:0"] = worker.BaseUrl.ToString(),
            ["CommandQueue:Enabled"] = "false",
            // A named agent a session may ask for with expected_engine_id.
            ["Agents:realtime:Instructions"] = "You are the test agent.",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        // The worker checks tokens on the system clock, so the host's clock starts at the real time.
        return TenantApiHost.StartAsync(azurite, settings, DateTimeOffset.UtcNow);
    }

    private static HttpRequestMessage Post(string path, string? json, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return request;
    }

    private static (string, string) AcmeKey => ("X-Api-Key", TenantApiHost.AcmeKey);

    private static (string, string) ContosoKey => ("X-Api-Key", TenantApiHost.ContosoKey);

    private static async Task<string> StartSessionAsync(TenantApiHost host, string body = "{}")
    {
        using var request = Post("/api/v1/voice/start", body, AcmeKey);
        using var response = await host.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["data"]!["room_name"]!.GetValue<string>();
    }

    [GeneratedRegex("^web-[0-9a-f]{32}$")]
    private static partial Regex SessionIdPattern();

    [SkippableFact]
    public async Task Start_stores_a_ringing_browser_session_and_answers_a_single_purpose_media_token()
    {
        var connection = _azurite.Require();
        await using var worker = await FakeBrowserWorker.StartAsync();
        await using var host = await StartHostAsync(connection, worker);

        using var request = Post("/api/v1/voice/start",
            """{"user_name":"Ada","welcome":"Hello from the test.","max_duration":120,"expected_engine_id":"realtime","segment_code":"spring-1"}""",
            ("Robot-Key", "acme"), ("Robot-Token", TenantApiHost.AcmeKey));
        using var response = await host.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(0, body["code"]!.GetValue<int>());
        var data = body["data"]!;
        var roomName = data["room_name"]!.GetValue<string>();
        Assert.Matches(SessionIdPattern(), roomName);
        Assert.Equal("Ada", data["user_name"]!.GetValue<string>());
        Assert.Equal("dvserverless", data["rtc_info"]!["vendor"]!.GetValue<string>());
        Assert.Equal("Ada", data["rtc_info"]!["user_id"]!.GetValue<string>());
        var parameters = data["rtc_info"]!["params"]!;
        Assert.Equal("acme", parameters["app_id"]!.GetValue<string>());
        Assert.Equal($"ws://127.0.0.1:{worker.BaseUrl.Port}/media/browser", parameters["url"]!.GetValue<string>());

        // The token opens this session's media socket and nothing else.
        var tokens = host.App.Services.GetRequiredService<MediaTokenService>();
        var token = parameters["token"]!.GetValue<string>();
        Assert.Equal(MediaTokenStatus.Valid, tokens.Validate(token, MediaTokenPurpose.BrowserMedia, roomName).Status);
        Assert.Equal(MediaTokenStatus.WrongPurpose, tokens.Validate(token, MediaTokenPurpose.BrowserControl, roomName).Status);
        Assert.Equal(MediaTokenStatus.WrongCall, tokens.Validate(token, MediaTokenPurpose.BrowserMedia, "web-" + new string('0', 32)).Status);

        var session = await host.Sessions.GetAsync(roomName);
        Assert.NotNull(session);
        Assert.Equal(CallChannel.Browser, session.Channel);
        Assert.Equal("acme", session.TenantId);
        Assert.Equal(CallState.Ringing, session.State);
        Assert.Equal(new Dictionary<string, string>
        {
            [BrowserSessionMetadata.UserName] = "Ada",
            [BrowserSessionMetadata.Welcome] = "Hello from the test.",
            [BrowserSessionMetadata.MaxDuration] = "120",
            [CallSessionAgent.MetadataKey] = "realtime",
            [BrowserSessionMetadata.SegmentCode] = "spring-1",
        }, session.Metadata);

        var audit = await host.Audit.ReadAsync("acme", DateOnly.FromDateTime(host.Time.GetUtcNow().UtcDateTime));
        Assert.Contains(audit, l => l.Path == "/api/v1/voice/start" && l.Status == 200 && l.Action == AuditAction.ApiAccess);
        Assert.DoesNotContain(audit, l => JsonSerializer.Serialize(l).Contains(TenantApiHost.AcmeKey, StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task Start_without_a_body_is_a_guest_session_with_the_workers_defaults()
    {
        var connection = _azurite.Require();
        await using var worker = await FakeBrowserWorker.StartAsync();
        await using var host = await StartHostAsync(connection, worker);

        using var request = Post("/api/v1/voice/start", null, AcmeKey);
        using var response = await host.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var data = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["data"]!;
        Assert.Equal("guest", data["user_name"]!.GetValue<string>());
        var session = await host.Sessions.GetAsync(data["room_name"]!.GetValue<string>());
        Assert.Equal(new Dictionary<string, string> { [BrowserSessionMetadata.UserName] = "guest" }, session!.Metadata);
    }

    [SkippableTheory]
    [InlineData("""{"max_duration":0}""")]
    [InlineData("""{"max_duration":7201}""")]
    [InlineData("""{"max_duration":"60"}""")]
    [InlineData("""{"user_name":"Ada","room":"x"}""")]
    [InlineData("""{"expected_engine_id":"real time"}""")]
    [InlineData("""{"expected_engine_id":"no-such-agent"}""")]
    [InlineData("""{"segment_code":"../x"}""")]
    [InlineData("""{"user_name":"0123456789012345678901234567890123456789012345678901234567890123456789"}""")]
    [InlineData("""[1,2]""")]
    [InlineData("""not json""")]
    public async Task Start_refuses_bad_input_with_400_and_stores_nothing(string body)
    {
        var connection = _azurite.Require();
        await using var worker = await FakeBrowserWorker.StartAsync();
        await using var host = await StartHostAsync(connection, worker);

        using var request = Post("/api/v1/voice/start", body, AcmeKey);
        using var response = await host.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("bad_request", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!.GetValue<string>());
        Assert.Empty(await host.App.Services.GetRequiredService<ICallSessionQuery>().ListAsync(null, 10));
    }

    [SkippableFact]
    public async Task Start_is_refused_with_429_when_the_tenant_is_at_its_call_limit()
    {
        var connection = _azurite.Require();
        await using var worker = await FakeBrowserWorker.StartAsync();
        await using var host = await StartHostAsync(connection, worker, new Dictionary<string, string?> { ["TENANT_LIMITS"] = "acme:1" });

        await StartSessionAsync(host);
        using var request = Post("/api/v1/voice/start", "{}", AcmeKey);
        using var response = await host.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("busy", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!.GetValue<string>());
        Assert.Single(await host.App.Services.GetRequiredService<ICallSessionQuery>().ListAsync("acme", 10));

        // Another tenant has room of its own.
        using var contoso = Post("/api/v1/voice/start", "{}", ContosoKey);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.SendAsync(contoso)).StatusCode);
    }

    [SkippableFact]
    public async Task Commands_reach_the_worker_with_a_browser_control_token_bound_to_the_session()
    {
        var connection = _azurite.Require();
        await using var worker = await FakeBrowserWorker.StartAsync();
        await using var host = await StartHostAsync(connection, worker);
        var room = await StartSessionAsync(host);
        worker.Live[room] = true;

        foreach (var (path, json) in new[]
        {
            ("interrupt", $$"""{"room_name":"{{room}}"}"""),
            ("audio", $$"""{"room_name":"{{room}}","enabled":false}"""),
            ("audio", $$"""{"room_name":"{{room}}","enabled":true}"""),
            ("stop", $$"""{"room_name":"{{room}}"}"""),
        })
        {
            using var request = Post("/api/v1/voice/" + path, json, AcmeKey);
            using var response = await host.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var reply = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            Assert.Equal(0, reply["code"]!.GetValue<int>());
            Assert.Equal(room, reply["data"]!["room_name"]!.GetValue<string>());
        }

        var requests = worker.Requests.ToArray();
        Assert.Equal(
            [$"/internal/calls/{room}/interrupt", $"/internal/calls/{room}/audio", $"/internal/calls/{room}/audio", $"/internal/calls/{room}/stop"],
            requests.Select(r => r.Path));
        Assert.Equal(["{}", """{"enabled":false}""", """{"enabled":true}""", "{}"], requests.Select(r => r.Body));
        Assert.All(requests, r => Assert.Equal(MediaTokenStatus.Valid, r.Token));
    }

    [SkippableFact]
    public async Task A_command_for_a_session_no_browser_holds_is_409_not_live()
    {
        var connection = _azurite.Require();
        await using var worker = await FakeBrowserWorker.StartAsync();
        await using var host = await StartHostAsync(connection, worker);
        var room = await StartSessionAsync(host);

        using var request = Post("/api/v1/voice/interrupt", $$"""{"room_name":"{{room}}"}""", AcmeKey);
        using var response = await host.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("not_live", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!.GetValue<string>());
        Assert.Single(worker.Requests);

        // A session that is over is not sent to the worker at all.
        await host.Sessions.TryMoveAsync(room, CallState.Ended, host.Time.GetUtcNow(), "test");
        using var again = Post("/api/v1/voice/stop", $$"""{"room_name":"{{room}}"}""", AcmeKey);
        Assert.Equal(HttpStatusCode.Conflict, (await host.Client.SendAsync(again)).StatusCode);
        Assert.Single(worker.Requests);
    }

    [SkippableFact]
    public async Task Another_tenants_room_is_403_and_audited_an_unknown_one_404_and_neither_reaches_the_worker()
    {
        var connection = _azurite.Require();
        await using var worker = await FakeBrowserWorker.StartAsync();
        await using var host = await StartHostAsync(connection, worker);
        var room = await StartSessionAsync(host);
        worker.Live[room] = true;

        var cases = new (string Path, string Json, (string, string) Key, HttpStatusCode Status)[]
        {
            ("stop", $$"""{"room_name":"{{room}}"}""", ContosoKey, HttpStatusCode.Forbidden),
            ("audio", $$"""{"room_name":"{{room}}","enabled":false}""", ContosoKey, HttpStatusCode.Forbidden),
            ("stop", """{"room_name":"web-00000000000000000000000000000000"}""", AcmeKey, HttpStatusCode.NotFound),
            ("interrupt", """{"room_name":"../../etc"}""", AcmeKey, HttpStatusCode.NotFound),
            ("stop", """{}""", AcmeKey, HttpStatusCode.BadRequest),
            ("stop", "", AcmeKey, HttpStatusCode.BadRequest),
            ("audio", $$"""{"room_name":"{{room}}"}""", AcmeKey, HttpStatusCode.BadRequest),
            ("audio", $$"""{"room_name":"{{room}}","enabled":"no"}""", AcmeKey, HttpStatusCode.BadRequest),
        };
        foreach (var (path, json, key, status) in cases)
        {
            using var request = Post("/api/v1/voice/" + path, json, key);
            using var response = await host.Client.SendAsync(request);
            Assert.True(status == response.StatusCode, $"{path} {json}: {(int)response.StatusCode}, expected {(int)status}");
        }

        Assert.Empty(worker.Requests);
        var audit = await host.Audit.ReadAsync("contoso", DateOnly.FromDateTime(host.Time.GetUtcNow().UtcDateTime));
        Assert.Equal(2, audit.Count(l => l.Path.StartsWith("/api/v1/voice/", StringComparison.Ordinal) && l.Status == 403 && l.Action == AuditAction.CrossTenantAttempt));
    }

    [SkippableFact]
    public async Task A_worker_that_does_not_answer_gives_502()
    {
        var connection = _azurite.Require();
        var worker = await FakeBrowserWorker.StartAsync();
        await using var host = await StartHostAsync(connection, worker);
        var room = await StartSessionAsync(host);
        await worker.DisposeAsync();

        using var request = Post("/api/v1/voice/stop", $$"""{"room_name":"{{room}}"}""", AcmeKey);
        using var response = await host.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
    }

    [SkippableFact]
    public async Task Every_credential_form_authenticates_and_a_robot_key_of_another_tenant_is_401()
    {
        var connection = _azurite.Require();
        await using var worker = await FakeBrowserWorker.StartAsync();
        await using var host = await StartHostAsync(connection, worker);
        using var tokenResponse = await host.Client.PostAsJsonAsync("/api/v1/auth/token", new { apiKey = TenantApiHost.AcmeKey });
        var bearer = JsonNode.Parse(await tokenResponse.Content.ReadAsStringAsync())!["token"]!.GetValue<string>();

        var cases = new ((string, string)[] Headers, HttpStatusCode Status, string? AppId)[]
        {
            ([("X-Api-Key", TenantApiHost.AcmeKey)], HttpStatusCode.OK, "acme"),
            ([("Authorization", "Bearer " + bearer)], HttpStatusCode.OK, "acme"),
            ([("Robot-Key", "acme"), ("Robot-Token", TenantApiHost.AcmeKey)], HttpStatusCode.OK, "acme"),
            ([("Robot-Key", "contoso"), ("Robot-Token", TenantApiHost.ContosoKey)], HttpStatusCode.OK, "contoso"),
            ([("Robot-Key", "contoso"), ("Robot-Token", TenantApiHost.AcmeKey)], HttpStatusCode.Unauthorized, null),
            ([("Robot-Key", "acme"), ("Robot-Token", TenantApiHost.AdminKey)], HttpStatusCode.Unauthorized, null),
            ([("Robot-Key", "acme"), ("Robot-Token", "dvs_not-a-key-0123456789abcdef")], HttpStatusCode.Unauthorized, null),
            ([("Robot-Key", "acme")], HttpStatusCode.Unauthorized, null),
            ([("Robot-Token", TenantApiHost.AcmeKey)], HttpStatusCode.Unauthorized, null),
            ([], HttpStatusCode.Unauthorized, null),
        };
        foreach (var (headers, status, appId) in cases)
        {
            using var request = Post("/api/v1/voice/start", "{}", headers);
            using var response = await host.Client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(status == response.StatusCode, $"{string.Join(",", headers.Select(h => h.Item1))}: {(int)response.StatusCode}");
            if (appId is not null)
            {
                Assert.Equal(appId, JsonNode.Parse(text)!["data"]!["rtc_info"]!["params"]!["app_id"]!.GetValue<string>());
            }
            else
            {
                Assert.DoesNotContain(TenantApiHost.AcmeKey, text, StringComparison.Ordinal);
            }
        }

        var sessions = await host.App.Services.GetRequiredService<ICallSessionQuery>().ListAsync(null, 20);
        Assert.Equal(4, sessions.Count);
    }

    [SkippableFact]
    public async Task The_workers_origin_may_call_from_a_browser_and_other_origins_may_not()
    {
        var connection = _azurite.Require();
        await using var worker = await FakeBrowserWorker.StartAsync();
        await using var host = await StartHostAsync(connection, worker);

        async Task<HttpResponseMessage> PreflightAsync(string origin)
        {
            using var request = new HttpRequestMessage(HttpMethod.Options, "/api/v1/voice/start");
            request.Headers.Add("Origin", origin);
            request.Headers.Add("Access-Control-Request-Method", "POST");
            request.Headers.Add("Access-Control-Request-Headers", "robot-key,robot-token,content-type");
            return await host.Client.SendAsync(request);
        }

        // By default the origin of MediaWorker:BaseUrl, whose console and JS client call the API.
        var workerOrigin = worker.BaseUrl.GetLeftPart(UriPartial.Authority);
        using var allowed = await PreflightAsync(workerOrigin);
        Assert.Equal(HttpStatusCode.NoContent, allowed.StatusCode);
        Assert.Equal(workerOrigin, allowed.Headers.GetValues("Access-Control-Allow-Origin").Single());
        var allowedHeaders = string.Join(",", allowed.Headers.GetValues("Access-Control-Allow-Headers")).ToLowerInvariant();
        Assert.Contains("robot-key", allowedHeaders, StringComparison.Ordinal);
        Assert.Contains("robot-token", allowedHeaders, StringComparison.Ordinal);

        using var foreign = await PreflightAsync("https://evil.example");
        Assert.False(foreign.Headers.Contains("Access-Control-Allow-Origin"));

        // Functions:CorsOrigins replaces the default.
        await using var configured = await StartHostAsync(connection, worker,
            new Dictionary<string, string?> { ["Functions:CorsOrigins"] = "https://console.example, https://other.example/" });
        using var request = new HttpRequestMessage(HttpMethod.Options, "/api/v1/voice/start");
        request.Headers.Add("Origin", "https://other.example");
        request.Headers.Add("Access-Control-Request-Method", "POST");
        using var explicitOrigin = await configured.Client.SendAsync(request);
        Assert.Equal("https://other.example", explicitOrigin.Headers.GetValues("Access-Control-Allow-Origin").Single());
    }
}
