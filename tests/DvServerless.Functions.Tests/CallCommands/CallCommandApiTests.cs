using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using DvServerless.Core.Calls;
using DvServerless.Core.Security;
using DvServerless.Functions.Tests.BrowserSessions;
using DvServerless.Functions.Tests.Fakes;
using DvServerless.Functions.Tests.Tenants;
using DvServerless.Testing;

namespace DvServerless.Functions.Tests.CallCommands;

/// <summary>
/// The call command APIs end to end through the real Functions app over Azurite (tenants acme and contoso), with a fake
/// media worker on loopback that checks the call-control tokens: comfort noise on/off, say to one call, say to all.
/// </summary>
public sealed class CallCommandApiTests : IClassFixture<AzuriteFixture>
{
    private readonly AzuriteFixture _azurite;

    public CallCommandApiTests(AzuriteFixture azurite) => _azurite = azurite;

    private static Task<TenantApiHost> StartHostAsync(string azurite, FakeBrowserWorker worker) =>
        // The worker checks tokens on the system clock, so the host's clock starts at the real time.
        TenantApiHost.StartAsync(azurite, new Dictionary<string, string?>
        {
            ["MediaWorker:BaseUrl"] = worker.BaseUrl.ToString(),
            // The fake serves the worker's internal routes on its one port.
            ["MediaWorker:InternalBaseUrls:0"] = worker.BaseUrl.ToString(),
        }, DateTimeOffset.UtcNow);

    private static async Task<(HttpStatusCode Status, JsonNode? Body)> PostAsync(TenantApiHost host, string path, string? json, string key = TenantApiHost.AcmeKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        request.Headers.TryAddWithoutValidation("X-Api-Key", key);
        using var response = await host.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    private static string NewCallId() => "acs-" + Guid.NewGuid().ToString("N");

    [SkippableFact]
    public async Task Comfort_noise_turns_on_and_off_for_a_live_call_of_the_callers_tenant_through_a_call_control_token()
    {
        var connection = _azurite.Require();
        await using var worker = await FakeBrowserWorker.StartAsync();
        await using var host = await StartHostAsync(connection, worker);
        var call = await host.SeedSessionAsync(NewCallId(), "acme");
        worker.Live[call.CallId] = true;

        var started = await PostAsync(host, $"/api/v1/comfort/{call.CallId}/start", null);
        var stopped = await PostAsync(host, $"/api/v1/comfort/{call.CallId}/stop", null);

        Assert.Equal(HttpStatusCode.OK, started.Status);
        Assert.Equal("comfort-start", started.Body!["command"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, stopped.Status);
        var requests = worker.Requests.ToArray();
        Assert.Equal([$"/internal/calls/{call.CallId}/comfort-start", $"/internal/calls/{call.CallId}/comfort-stop"], requests.Select(r => r.Path));
        Assert.All(requests, r => Assert.Equal(MediaTokenStatus.Valid, r.Token));
    }

    [SkippableFact]
    public async Task Another_tenants_call_and_an_unknown_one_are_404_and_a_call_that_is_not_live_is_409()
    {
        var connection = _azurite.Require();
        await using var worker = await FakeBrowserWorker.StartAsync();
        await using var host = await StartHostAsync(connection, worker);
        var contoso = await host.SeedSessionAsync(NewCallId(), "contoso");
        worker.Live[contoso.CallId] = true;
        var notOnWorker = await host.SeedSessionAsync(NewCallId(), "acme");
        var ended = TestSessions.Connected(NewCallId(), "acme", host.Time.GetUtcNow());
        ended.State = CallState.Ended;
        Assert.True(await host.Sessions.TryCreateAsync(ended));

        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(host, $"/api/v1/comfort/{contoso.CallId}/start", null)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(host, $"/api/v1/sessions/{contoso.CallId}/say", """{"text":"Hi"}""")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(host, $"/api/v1/comfort/{NewCallId()}/start", null)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(host, "/api/v1/comfort/not-a-call-id!/start", null)).Status);
        var endedAnswer = await PostAsync(host, $"/api/v1/comfort/{ended.CallId}/start", null);
        Assert.Equal(HttpStatusCode.Conflict, endedAnswer.Status);
        Assert.Equal("call_not_live", endedAnswer.Body!["error"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Conflict, (await PostAsync(host, $"/api/v1/comfort/{notOnWorker.CallId}/stop", null)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(host, $"/api/v1/comfort/{notOnWorker.CallId}/stop", null, key: "dvs_wrong")).Status);

        // Only the call that is live in the store reached the worker (which said it does not run it); contoso's never did.
        Assert.Equal([$"/internal/calls/{notOnWorker.CallId}/comfort-stop"], worker.Requests.Select(r => r.Path));
    }

    [SkippableFact]
    public async Task Say_sends_the_text_voice_and_interrupt_to_the_worker_and_bad_text_is_400_without_reaching_it()
    {
        var connection = _azurite.Require();
        await using var worker = await FakeBrowserWorker.StartAsync();
        await using var host = await StartHostAsync(connection, worker);
        var call = await host.SeedSessionAsync(NewCallId(), "acme");
        worker.Live[call.CallId] = true;

        var said = await PostAsync(host, $"/api/v1/sessions/{call.CallId}/say", """{"text":" Your table is ready. ","voice":"marin","interrupt":true}""");
        Assert.Equal(HttpStatusCode.OK, said.Status);
        var request = Assert.Single(worker.Requests);
        Assert.Equal($"/internal/calls/{call.CallId}/say", request.Path);
        var body = JsonNode.Parse(request.Body)!;
        Assert.Equal(("Your table is ready.", "marin", true), (body["text"]!.GetValue<string>(), body["voice"]!.GetValue<string>(), body["interrupt"]!.GetValue<bool>()));

        foreach (var bad in new[] { """{"text":""}""", """{"text":"   "}""", "{}", $$"""{"text":"{{new string('a', InjectedSpeechRules.MaxTextLength + 1)}}"}""", """{"text":"Hi","extra":1}""", "not json" })
        {
            var refused = await PostAsync(host, $"/api/v1/sessions/{call.CallId}/say", bad);
            Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
            Assert.False(string.IsNullOrEmpty(refused.Body!["message"]!.GetValue<string>()));
        }

        Assert.Single(worker.Requests); // nothing more reached the worker

        worker.SayStatus = 503;
        var down = await PostAsync(host, $"/api/v1/sessions/{call.CallId}/say", """{"text":"Hello"}""");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.Status);
        Assert.Equal("speech_unavailable", down.Body!["error"]!.GetValue<string>());
    }

    [SkippableFact]
    public async Task Say_to_all_reaches_every_live_call_of_the_callers_tenant_and_no_other()
    {
        var connection = _azurite.Require();
        await using var worker = await FakeBrowserWorker.StartAsync();
        await using var host = await StartHostAsync(connection, worker);
        var first = await host.SeedSessionAsync(NewCallId(), "acme");
        var second = await host.SeedSessionAsync(NewCallId(), "acme");
        var gone = await host.SeedSessionAsync(NewCallId(), "acme"); // connected in the store, but its worker no longer runs it
        var foreign = await host.SeedSessionAsync(NewCallId(), "contoso");
        foreach (var id in new[] { first.CallId, second.CallId, foreign.CallId })
        {
            worker.Live[id] = true;
        }

        var answer = await PostAsync(host, "/api/v1/say", """{"text":"We close in ten minutes."}""");

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal((2, 3), (answer.Body!["reached"]!.GetValue<int>(), answer.Body["live"]!.GetValue<int>()));
        Assert.Equal(
            new[] { first.CallId, second.CallId, gone.CallId }.Select(id => $"/internal/calls/{id}/say").Order(),
            worker.Requests.Select(r => r.Path).Order());
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(host, "/api/v1/say", """{"text":""}""")).Status);
        Assert.Equal(3, worker.Requests.Count);
    }
}
