using System.Net;
using System.Text.Json;
using DvServerless.Core.Hosting;
using DvServerless.Functions.Hosting;
using DvServerless.Functions.Tests.Fakes;
using DvServerless.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace DvServerless.Functions.Tests.Hosting;

public sealed class FunctionsAppTests
{
    [Fact]
    public async Task With_no_configuration_the_app_starts_on_local_defaults_and_answers_readiness()
    {
        await using var app = FunctionsApp.Build([], builder => builder.WebHost.UseTestServer());
        await app.StartAsync();

        using var response = await app.GetTestClient().GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(LocalDefaults.FunctionsBaseUrl, app.Configuration[WebHostDefaults.ServerUrlsKey]);
        Assert.Equal(new Uri(LocalDefaults.FunctionsBaseUrl), app.Services.GetRequiredService<IOptions<FunctionsOptions>>().Value.PublicBaseUrl);
        var worker = app.Services.GetRequiredService<IOptions<MediaWorkerOptions>>().Value;
        Assert.Equal(new Uri(LocalDefaults.MediaWorkerBaseUrl), worker.BaseUrl);
        Assert.Equal(LocalDefaults.MediaTokenSigningKey, worker.TokenSigningKey);
        Assert.Equal(TimeSpan.FromMinutes(2), worker.TokenLifetime);
        await app.StopAsync();
    }

    [Fact]
    public async Task The_former_custom_handler_port_variable_is_still_honoured()
    {
        var (app, port) = await StartOnCustomHandlerPortAsync();
        await using var started = app;

        using var client = new HttpClient();
        using var response = await client.GetAsync($"http://127.0.0.1:{port}/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await app.StopAsync();
    }

    [Fact]
    public async Task Kestrel_refuses_an_oversized_body_with_413()
    {
        var (app, port) = await StartOnCustomHandlerPortAsync();
        await using var started = app;

        using var client = new HttpClient();
        // Chunked, so no Content-Length tells the app in advance.
        using var content = new StreamContent(new MemoryStream(new byte[2 * 1024 * 1024]));
        using var response = await client.PostAsync($"http://127.0.0.1:{port}/api/acs/callbacks/some-call", content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        await app.StopAsync();
    }

    [Theory]
    [InlineData("Functions:PublicBaseUrl", "not a url")]
    [InlineData("Functions:PublicBaseUrl", "ftp://files.example.net")]
    [InlineData("MediaWorker:BaseUrl", "/relative")]
    [InlineData("MediaWorker:TokenSigningKey", "short")]
    [InlineData("MediaWorker:TokenLifetime", "1.00:00:00")]
    [InlineData("Functions:UnansweredAfter", "00:01:00")]
    [InlineData("Acs:AudioFormat", "mp3")]
    public async Task A_bad_setting_fails_start_up_with_its_name(string key, string value)
    {
        await using var app = FunctionsApp.Build([], builder =>
        {
            builder.WebHost.UseTestServer();
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [key] = value });
        });

        var error = await Assert.ThrowsAnyAsync<Exception>(() => app.StartAsync());

        Assert.Contains(key.Split(':')[0], error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task In_azure_the_public_development_token_key_is_refused()
    {
        await using var app = FunctionsApp.Build([], builder =>
        {
            builder.WebHost.UseTestServer();
            // Storage and ACS are set as in Azure, so the key is the one setting refused.
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["WEBSITE_SITE_NAME"] = "dvs-func",
                ["Storage:BlobServiceUri"] = "https://dvsexample.blob.core.windows.net",
                ["Acs:Endpoint"] = "https://dvs-acs.communication.azure.com",
            });
        });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains("TokenSigningKey", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_sample_local_settings_are_a_valid_configuration()
    {
        var sample = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.RequireRoot(), "local.settings.sample.json"))).RootElement;
        Assert.False(sample.GetProperty("IsEncrypted").GetBoolean());
        var values = sample.GetProperty("Values").EnumerateObject()
            .ToDictionary(p => p.Name.Replace("__", ":", StringComparison.Ordinal), p => (string?)p.Value.GetString());
        Assert.Equal("dotnet-isolated", values["FUNCTIONS_WORKER_RUNTIME"]);

        await using var app = FunctionsApp.Build([], builder =>
        {
            builder.WebHost.UseTestServer();
            builder.Configuration.AddInMemoryCollection(values);
        });
        await app.StartAsync();

        using var response = await app.GetTestClient().GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await app.StopAsync();
    }

    // The variable takes a port number, not 0, so the port is probed; when another process takes it first, start again on another.
    private static Task<(WebApplication App, int Port)> StartOnCustomHandlerPortAsync() => PortConflict.RetryAsync(
        async cancellationToken =>
        {
            var port = LoopbackPort.Probe();
            var app = FunctionsApp.Build([$"--FUNCTIONS_CUSTOMHANDLER_PORT={port}"]);
            try
            {
                await app.StartAsync(cancellationToken);
                return (app, port);
            }
            catch
            {
                await app.DisposeAsync();
                throw;
            }
        },
        (_, _) => { },
        CancellationToken.None);
}
