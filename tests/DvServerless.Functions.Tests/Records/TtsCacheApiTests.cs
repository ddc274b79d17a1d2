using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using DvServerless.Adapters.Tts;
using DvServerless.Functions.Tests.Fakes;
using DvServerless.Functions.Tts;
using DvServerless.Testing;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DvServerless.Functions.Tests.Records;

/// <summary>GET /api/v1/tts-cache/stats, POST /api/v1/tts-cache/warmup and the TtsCacheWarmup timer function.</summary>
public sealed class TtsCacheApiTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
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
    public async Task The_timer_function_warms_every_tenant_and_logs_one_line_each()
    {
        var tenant = "timer" + Guid.NewGuid().ToString("N")[..8];
        await using var host = await RecordsApiHost.StartAsync(azurite.Require(), Prompts(tenant));
        var logs = new CapturingLoggerProvider();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Information));
        var function = new TtsCacheWarmupFunction(host.App.Services.GetRequiredService<TtsWarmupService>(), loggers.CreateLogger<TtsCacheWarmupFunction>());

        // What the Functions host binds from the timer trigger.
        await function.RunAsync(new TimerInfo { IsPastDue = true, ScheduleStatus = new ScheduleStatus { Next = DateTime.UtcNow.AddMinutes(30) } }, CancellationToken.None);

        var line = Assert.Single(logs.Messages, l => l.Contains($"TtsCacheWarmup {tenant}:", StringComparison.Ordinal));
        Assert.Contains("2 synthesized (greeting, hold)", line);
        Assert.Contains("1 failed (broken:", line);
        Assert.Contains(logs.Messages, l => l.Contains("past due", StringComparison.Ordinal));
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
