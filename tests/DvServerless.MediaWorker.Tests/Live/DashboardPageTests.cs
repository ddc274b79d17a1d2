using System.Net;
using System.Text.Json;
using DvServerless.MediaWorker.Hosting;
using DvServerless.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace DvServerless.MediaWorker.Tests.Live;

/// <summary>The dashboard's files as the real worker serves them: the page, its config, and the SignalR client from npm.</summary>
public sealed class DashboardPageTests : IAsyncLifetime
{
    private const string ApiBase = "http://127.0.0.1:17071";
    private const string SignalRService = "https://dvs-live.service.signalr.net";

    private static readonly HttpClient Http = new();

    private WebApplication? _app;
    private Uri? _baseAddress;

    private Uri Url(string path) => new(_baseAddress!, path);

    public async Task InitializeAsync()
    {
        _app = MediaWorkerApp.Build([
            "--urls", "http://127.0.0.1:0", $"--{StaticPagesEndpoints.ApiBaseUrlKey}={ApiBase}",
            $"--{StaticPagesEndpoints.AzureSignalRConnectionStringKey}=Endpoint={SignalRService};AuthType=azure.msi;ClientId=00000000-0000-0000-0000-000000000001;Version=1.0;",
        ]);
        await _app.StartAsync();
        _baseAddress = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    [Fact]
    public async Task Dashboard_IsServedWithAPolicyThatAllowsTheApiAndTheSignalRService()
    {
        using var response = await Http.GetAsync(Url("/dashboard"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType!.MediaType);
        var csp = string.Join(' ', response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains($"connect-src 'self' {ApiBase} {SignalRService} ws: wss:", csp, StringComparison.Ordinal);
        Assert.Contains("script-src 'self';", csp, StringComparison.Ordinal);

        var html = await response.Content.ReadAsStringAsync();
        foreach (var id in new[] { "api-key", "sign-in", "status", "call-rows", "call-transcript", "latency-panel", "turn-latency" })
        {
            Assert.Contains($"data-testid=\"{id}\"", html, StringComparison.Ordinal);
        }

        // Scripts come from this worker only: the SignalR client from /lib, no CDN.
        Assert.Contains("<script src=\"/lib/signalr.min.js\"></script>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync(Url("/dashboard/dashboard.js"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync(Url("/dashboard/dashboard.css"))).StatusCode);
    }

    [Fact]
    public async Task DashboardConfig_NamesTheFunctionsApp()
    {
        using var config = JsonDocument.Parse(await Http.GetStringAsync(Url("/dashboard/config.json")));
        Assert.Equal(ApiBase, config.RootElement.GetProperty("apiBase").GetString());
    }

    [SkippableFact]
    public async Task SignalRClient_IsServedFromTheNpmPackage()
    {
        var installed = Path.Combine(RepositoryPaths.RequireRoot(), "node_modules", "@microsoft", "signalr", "dist", "browser", "signalr.min.js");
        if (!File.Exists(installed))
        {
            const string reason = "node_modules/@microsoft/signalr is not installed (scripts/install-tools.sh), so the build did not link it.";
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException(reason);
            }

            Skip.If(true, reason);
        }

        using var response = await Http.GetAsync(Url("/lib/signalr.min.js"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/javascript", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(await File.ReadAllBytesAsync(installed), await response.Content.ReadAsByteArrayAsync());
        Assert.NotNull(response.Headers.ETag);
    }
}
