using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using DvServerless.MediaWorker.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace DvServerless.MediaWorker.Tests.Hosting;

/// <summary>The SDK, the console and its config, served by the real worker on loopback.</summary>
public sealed class StaticPagesEndpointsTests : IAsyncLifetime
{
    private const string ApiBase = "http://127.0.0.1:17071";

    // One client for the class (static: nothing per instance to dispose); requests name the worker's absolute URL.
    private static readonly HttpClient Http = new();

    private WebApplication? _app;
    private Uri? _baseAddress;

    private Uri Url(string path) => new(_baseAddress!, path);

    public async Task InitializeAsync()
    {
        // A trailing slash in the setting is dropped from what the console gets.
        _app = MediaWorkerApp.Build(["--urls", "http://127.0.0.1:0", $"--{StaticPagesEndpoints.ApiBaseUrlKey}={ApiBase}/"]);
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _baseAddress = new Uri(address);
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
    public async Task Sdk_IsAnEsModuleAnyOriginMayImport()
    {
        using var response = await Http.GetAsync(Url("/sdk/dvs-voice.js"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/javascript", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        var script = await response.Content.ReadAsStringAsync();
        Assert.Contains("export class ChatClient", script, StringComparison.Ordinal);
        Assert.Contains("export const VoiceEvents", script, StringComparison.Ordinal);
        foreach (var name in new[] { "SESSION_CREATED", "USER_MESSAGE", "ROBOT_MESSAGE", "INTERRUPT", "SESSION_ENDED", "ERROR", "FLOW_DEBUG", "AUDIO_LEVEL" })
        {
            Assert.Contains($"{name}: '{name}'", script, StringComparison.Ordinal);
        }

        var worklet = await Http.GetStringAsync(Url("/sdk/dvs-voice-worklet.js"));
        Assert.Contains("registerProcessor('dvs-capture'", worklet, StringComparison.Ordinal);
        Assert.Contains("registerProcessor('dvs-playback'", worklet, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Files_AreRevalidatedByETag()
    {
        using var first = await Http.GetAsync(Url("/sdk/dvs-voice.js"));
        var etag = first.Headers.ETag!;
        Assert.Equal("no-cache", first.Headers.CacheControl!.ToString());

        using var again = new HttpRequestMessage(HttpMethod.Get, Url("/sdk/dvs-voice.js"));
        again.Headers.IfNoneMatch.Add(etag);
        using var notModified = await Http.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());

        using var stale = new HttpRequestMessage(HttpMethod.Get, Url("/sdk/dvs-voice.js"));
        stale.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"0000\""));
        using var full = await Http.SendAsync(stale);
        Assert.Equal(HttpStatusCode.OK, full.StatusCode);
    }

    [Theory]
    [InlineData("/console")]
    [InlineData("/console/")]
    public async Task Console_HasItsControlsAndMayCallOnlyItsApi(string path)
    {
        using var response = await Http.GetAsync(Url(path));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType!.MediaType);
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains($"connect-src 'self' {ApiBase} ws: wss:", csp, StringComparison.Ordinal);
        Assert.Contains("script-src 'self';", csp, StringComparison.Ordinal);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
        var html = await response.Content.ReadAsStringAsync();
        foreach (var id in new[] { "api-key", "connect", "disconnect", "mode", "transcript", "event-log", "interrupt", "text-input" })
        {
            Assert.Contains($"data-testid=\"{id}\"", html, StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync(Url("/console/console.js"))).StatusCode);
        Assert.Equal("text/css", (await Http.GetAsync(Url("/console/console.css"))).Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task ConsoleConfig_NamesTheConfiguredApi()
    {
        using var response = await Http.GetAsync(Url("/console/config.json"));
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        using var config = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(ApiBase, config.RootElement.GetProperty("apiBase").GetString());
    }

    [Fact]
    public async Task UnknownFiles_AreNotFound()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync(Url("/sdk/missing.js"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync(Url("/console/../Program.cs"))).StatusCode);
    }

    [Theory]
    [InlineData("not a url")]
    [InlineData("ftp://127.0.0.1/")]
    [InlineData("/relative")]
    public void ABadApiBaseUrl_StopsTheWorkerAtStartUp(string value)
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            MediaWorkerApp.Build(["--urls", "http://127.0.0.1:0", $"--{StaticPagesEndpoints.ApiBaseUrlKey}={value}"]));
        Assert.Contains(StaticPagesEndpoints.ApiBaseUrlKey, error.Message, StringComparison.Ordinal);
    }
}
