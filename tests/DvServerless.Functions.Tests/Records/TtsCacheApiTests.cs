using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using DvServerless.Testing;

namespace DvServerless.Functions.Tests.Records;

/// <summary>GET /api/v1/tts-cache/stats, POST /api/v1/tts-cache/warmup and the TtsCacheWarmup timer payload (HOSTING.md §1.3).</summary>
public sealed class TtsCacheApiTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    /// <summary>The timer request body of HOSTING.md §1.3, as the Functions host sends it.</summary>
    private const string TimerBody = """
        {"Data":{"timer":{"Schedule":{"AdjustForDST":true},"ScheduleStatus":{"Last":"2026-01-10T03:00:00+00:00","Next":"2026-01-10T03:30:00+00:00","LastUpdated":"2026-01-10T03:00:00.12+00:00"},"IsPastDue":false}},"Metadata":{"sys":{"MethodName":"TtsCacheWarmup","UtcNow":"2026-01-10T03:00:00.2Z","RandGuid":"0f8fad5b-d9cb-469f-a165-70867728950e"}}}
        """;

    [SkippableFact]
    public async Task Warmup_synthesizes_then_skips_fresh_prompts_reports_failures_and_stats_count_it()
    {
        var tenantPrompts = Prompts("acme");
        await using var host = await RecordsApiHost.StartAsync(azurite.Require(), tenantPrompts);

        using var first = await host.Client.PostAsync("/api/v1/tts-cache/warmup", null);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var report = await first.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("acme", report.GetProperty("tenantId").GetString());
        Assert.Equal(["greeting", "hold"], Names(report, "synthesized").Order());
        Assert.Equal("broken", Assert.Single(report.GetProperty("failed").EnumerateArray()).GetProperty("prompt").GetString());

        using var second = await host.Client.PostAsync("/api/v1/tts-cache/warmup", null);
        var again = await second.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Empty(Names(again, "synthesized"));
        Assert.Equal(["greeting", "hold"], Names(again, "skipped").Order());

        using var stats = await host.Client.GetAsync("/api/v1/tts-cache/stats");
        Assert.Equal(HttpStatusCode.OK, stats.StatusCode);
        var body = await stats.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("acme", body.GetProperty("tenantId").GetString());
        Assert.True(body.GetProperty("entries").GetInt32() >= 2);
        Assert.True(body.GetProperty("misses").GetInt64() >= 2);
    }

    [SkippableFact]
    public async Task The_timer_payload_of_the_hosting_spec_gets_200_with_the_report_in_logs()
    {
        var tenant = "timer" + Guid.NewGuid().ToString("N")[..8];
        await using var host = await RecordsApiHost.StartAsync(azurite.Require(), Prompts(tenant));

        using var response = await host.Client.PostAsync("/TtsCacheWarmup", new StringContent(TimerBody, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(JsonValueKind.Object, body.GetProperty("Outputs").ValueKind);
        Assert.Equal(JsonValueKind.Null, body.GetProperty("ReturnValue").ValueKind);
        var logs = body.GetProperty("Logs").EnumerateArray().Select(l => l.GetString()!).ToArray();
        var line = Assert.Single(logs, l => l.StartsWith($"TtsCacheWarmup {tenant}:", StringComparison.Ordinal));
        Assert.Contains("2 synthesized (greeting, hold)", line);
        Assert.Contains("1 failed (broken:", line);
    }

    [SkippableFact]
    public async Task A_malformed_timer_payload_is_400()
    {
        await using var host = await RecordsApiHost.StartAsync(azurite.Require());

        using var response = await host.Client.PostAsync("/TtsCacheWarmup", new StringContent("[1,2]", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    private static Dictionary<string, string?> Prompts(string tenant) => new()
    {
        [$"TtsWarmup:Tenants:{tenant}:0:Name"] = "greeting",
        [$"TtsWarmup:Tenants:{tenant}:0:Text"] = "Hello " + tenant + ", thanks for calling " + Guid.NewGuid().ToString("N")[..6],
        [$"TtsWarmup:Tenants:{tenant}:1:Name"] = "hold",
        [$"TtsWarmup:Tenants:{tenant}:1:Text"] = "Please hold " + Guid.NewGuid().ToString("N")[..6],
        [$"TtsWarmup:Tenants:{tenant}:2:Name"] = "broken",
        [$"TtsWarmup:Tenants:{tenant}:2:Text"] = "FAIL on purpose",
    };

    private static string[] Names(JsonElement report, string property) =>
        report.GetProperty(property).EnumerateArray().Select(n => n.GetString()!).ToArray();
}
