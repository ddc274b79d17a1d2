using Azure.Storage.Blobs;
using DvServerless.Adapters.Commands;
using DvServerless.Adapters.Storage;
using DvServerless.Core.Calls;
using DvServerless.Core.Records;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace DvServerless.Adapters.Tests.Storage;

public sealed class StorageServiceCollectionExtensionsTests
{
    [Fact]
    public void With_no_configuration_the_stores_use_azurite_development_storage()
    {
        using var provider = Build(new Dictionary<string, string?>());

        var client = provider.GetRequiredService<BlobServiceClient>();
        Assert.Equal("devstoreaccount1", client.AccountName);
        Assert.IsType<BlobCallSessionStore>(provider.GetRequiredService<ICallSessionStore>());
        Assert.IsType<BlobCallRecordSink>(provider.GetRequiredService<ICallRecordSink>());
    }

    [Fact]
    public void A_blob_service_uri_selects_that_account()
    {
        using var provider = Build(new Dictionary<string, string?> { ["Storage:BlobServiceUri"] = "https://dvsexample.blob.core.windows.net" });

        var client = provider.GetRequiredService<BlobServiceClient>();
        Assert.Equal("dvsexample", client.AccountName);
        Assert.Equal(new Uri("https://dvsexample.blob.core.windows.net"), client.Uri);
    }

    [Fact]
    public void A_connection_string_wins_over_the_uri()
    {
        using var provider = Build(new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = "DefaultEndpointsProtocol=https;AccountName=fromconn;AccountKey=a2V5;EndpointSuffix=core.windows.net",
            ["Storage:BlobServiceUri"] = "https://other.blob.core.windows.net",
        });

        Assert.Equal("fromconn", provider.GetRequiredService<BlobServiceClient>().AccountName);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("1001")]
    public void A_connection_limit_out_of_range_is_refused_naming_the_setting(string value)
    {
        using var provider = Build(new Dictionary<string, string?> { ["Storage:MaxConnections"] = value });

        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(
            () => provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<StorageOptions>>().Value);
        Assert.Contains("Storage:MaxConnections", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Requests_past_the_connection_limit_wait_for_a_connection_instead_of_opening_more()
    {
        using var stalled = new StalledStorage();
        var client = StorageServiceCollectionExtensions.CreateServiceClient(LimitedTo3(stalled.ConnectionString));

        await AssertOnlyTheLimitReachesStorageAsync(stalled, (i, stop) => client.GetBlobContainerClient("c" + i).ExistsAsync(stop));
    }

    [Fact]
    public async Task The_command_queues_client_keeps_to_the_same_connection_limit()
    {
        using var stalled = new StalledStorage();
        var queueEndpoint = $"QueueEndpoint=http://127.0.0.1:{stalled.Port}/devstoreaccount1;";
        var client = CommandQueueServiceCollectionExtensions.TryCreateQueueServiceClient(LimitedTo3(stalled.ConnectionString + queueEndpoint));
        Assert.NotNull(client);

        await AssertOnlyTheLimitReachesStorageAsync(stalled, (i, stop) => client.GetQueueClient("q" + i).ExistsAsync(stop));
    }

    private static StorageOptions LimitedTo3(string connectionString) =>
        new() { ConnectionString = connectionString, MaxConnections = 3, MaxRetries = 0, NetworkTimeout = TimeSpan.FromSeconds(30) };

    /// <summary>Sends 8 requests a stalled storage never answers: with a limit of 3, only 3 arrive.</summary>
    private static async Task AssertOnlyTheLimitReachesStorageAsync<T>(StalledStorage stalled, Func<int, CancellationToken, Task<T>> request)
    {
        using var stop = new CancellationTokenSource();
        var requests = Enumerable.Range(0, 8).Select(i => request(i, stop.Token)).ToArray();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (stalled.Requests < 3 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        // Every connection holds a request the storage never answers; without the limit the other five arrive at once.
        await Task.Delay(500);
        Assert.Equal(3, stalled.Requests);
        await stop.CancelAsync();
        await Task.WhenAll(requests.Select(r => r.ContinueWith(_ => { }, TaskScheduler.Default)));
    }

    private static ServiceProvider Build(Dictionary<string, string?> values)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddDvServerlessStorage(configuration);
        return services.BuildServiceProvider();
    }
}
