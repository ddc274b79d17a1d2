using Azure.Storage.Blobs;
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

    private static ServiceProvider Build(Dictionary<string, string?> values)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddDvServerlessStorage(configuration);
        return services.BuildServiceProvider();
    }
}
