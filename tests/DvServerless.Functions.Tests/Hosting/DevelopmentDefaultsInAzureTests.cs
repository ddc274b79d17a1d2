using DvServerless.Core.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;

namespace DvServerless.Functions.Tests.Hosting;

/// <summary>
/// In Azure the Functions app refuses to start on any development default (the public media-token key, Azurite, the ACS
/// simulator and its access key), naming the setting to fix; locally the same defaults still start the app.
/// </summary>
public sealed class DevelopmentDefaultsInAzureTests
{
    private static readonly string SecretKey = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());

    [Theory]
    [InlineData("WEBSITE_SITE_NAME")]
    [InlineData("CONTAINER_APP_NAME")]
    public async Task In_azure_with_every_setting_given_the_app_starts(string azureVariable)
    {
        await using var app = Build(AzureSettings(azureVariable));

        await app.StartAsync();
        await app.StopAsync();
    }

    [Theory]
    [InlineData("MediaWorker:TokenSigningKey", LocalDefaults.MediaTokenSigningKey, "MediaWorker__TokenSigningKey")]
    [InlineData("Storage:BlobServiceUri", null, "Storage__BlobServiceUri")]
    [InlineData("Storage:ConnectionString", "UseDevelopmentStorage=true", "Storage__BlobServiceUri")]
    [InlineData("Acs:Endpoint", null, "Acs__Endpoint")]
    [InlineData("Acs:ConnectionString", "endpoint=http://127.0.0.1:7075/;accesskey=" + LocalDefaults.AcsSimulatorAccessKey, "Acs__Endpoint")]
    public async Task In_azure_a_development_default_stops_start_up_naming_its_setting(string key, string? value, string named)
    {
        foreach (var azureVariable in new[] { "WEBSITE_SITE_NAME", "CONTAINER_APP_NAME" })
        {
            var settings = AzureSettings(azureVariable);
            settings[key] = value;
            await using var app = Build(settings);

            var error = await Assert.ThrowsAnyAsync<Exception>(() => app.StartAsync());

            Assert.Contains(named, error.ToString(), StringComparison.Ordinal);
            // The refusal names the setting, never the value.
            Assert.DoesNotContain(LocalDefaults.AcsSimulatorAccessKey, error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Locally_the_same_development_defaults_start_the_app()
    {
        await using var app = Build(new Dictionary<string, string?>
        {
            ["MediaWorker:TokenSigningKey"] = LocalDefaults.MediaTokenSigningKey,
            ["Storage:ConnectionString"] = LocalDefaults.StorageConnectionString,
            ["Acs:ConnectionString"] = LocalDefaults.AcsConnectionString,
        });

        await app.StartAsync();
        await app.StopAsync();
    }

    private static Dictionary<string, string?> AzureSettings(string azureVariable) => new()
    {
        [azureVariable] = "dvs-func",
        ["MediaWorker:TokenSigningKey"] = SecretKey,
        ["Storage:BlobServiceUri"] = "https://dvsexample.blob.core.windows.net",
        ["Acs:Endpoint"] = "https://dvs-acs.communication.azure.com",
    };

    private static WebApplication Build(Dictionary<string, string?> settings) => FunctionsApp.Build([], builder =>
    {
        builder.WebHost.UseTestServer();
        builder.Configuration.AddInMemoryCollection(settings);
    });
}
