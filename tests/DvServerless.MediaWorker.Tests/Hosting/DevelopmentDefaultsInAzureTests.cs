using DvServerless.Core.Hosting;
using DvServerless.MediaWorker.Hosting;
using Microsoft.Extensions.Configuration;

namespace DvServerless.MediaWorker.Tests.Hosting;

/// <summary>
/// The worker refuses to start in Azure with the public development media-token key or no key, naming
/// <c>MediaWorker__TokenSigningKey</c>; locally the development key still works.
/// </summary>
public sealed class DevelopmentDefaultsInAzureTests
{
    private static readonly string SecretKey = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());

    [Theory]
    [InlineData("CONTAINER_APP_NAME", LocalDefaults.MediaTokenSigningKey)]
    [InlineData("CONTAINER_APP_NAME", "")]
    [InlineData("WEBSITE_SITE_NAME", LocalDefaults.MediaTokenSigningKey)]
    [InlineData("WEBSITE_SITE_NAME", "")]
    public void In_azure_the_development_key_or_no_key_is_refused_naming_the_setting(string azureVariable, string key)
    {
        var validator = new MediaWorkerOptionsValidator(Configuration(new() { [azureVariable] = "dvs-worker" }));

        var result = validator.Validate(null, new MediaWorkerOptions { TokenSigningKey = key });

        Assert.True(result.Failed);
        Assert.Contains("MediaWorker__TokenSigningKey", result.FailureMessage, StringComparison.Ordinal);
        Assert.DoesNotContain(LocalDefaults.MediaTokenSigningKey, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void In_azure_a_secret_key_is_accepted()
    {
        var validator = new MediaWorkerOptionsValidator(Configuration(new() { ["CONTAINER_APP_NAME"] = "dvs-worker" }));

        Assert.True(validator.Validate(null, new MediaWorkerOptions { TokenSigningKey = SecretKey }).Succeeded);
    }

    [Fact]
    public void Locally_the_development_key_is_accepted()
    {
        var validator = new MediaWorkerOptionsValidator(Configuration(new()));

        Assert.True(validator.Validate(null, new MediaWorkerOptions()).Succeeded);
    }

    [Fact]
    public async Task Started_in_azure_without_a_key_the_worker_stops_naming_the_setting()
    {
        // Every other Azure setting given, so the media key is what stops it (while building or starting).
        var failure = await Record.ExceptionAsync(async () =>
        {
            await using var app = MediaWorkerApp.Build(["--urls", "http://127.0.0.1:0"], builder => builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["CONTAINER_APP_NAME"] = "dvs-worker",
                ["Tenants:Tokens:SigningKey"] = SecretKey,
                ["Storage:BlobServiceUri"] = "https://dvsexample.blob.core.windows.net",
            }));
            await app.StartAsync();
        });

        Assert.NotNull(failure);
        Assert.Contains("MediaWorker__TokenSigningKey", failure.ToString(), StringComparison.Ordinal);
    }

    private static IConfiguration Configuration(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();
}
