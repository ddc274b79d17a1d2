using Azure.Identity;
using Azure.Storage.Blobs;
using DvServerless.Core.Calls;
using DvServerless.Core.Hosting;
using DvServerless.Core.Records;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DvServerless.Adapters.Storage;

/// <summary>Registers the Blob-backed stores.</summary>
public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Registers the Blob client (<c>Storage:ConnectionString</c>, or <c>Storage:BlobServiceUri</c> with
    /// DefaultAzureCredential; Azurite's development storage when neither is set), <c>ICallSessionStore</c> and
    /// <c>ICallRecordSink</c>.
    /// </summary>
    public static IServiceCollection AddDvServerlessStorage(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<StorageOptions>()
            .Bind(configuration.GetSection(StorageOptions.SectionName))
            .Validate(o => o.BlobServiceUri is null || o.BlobServiceUri.IsAbsoluteUri || o.BlobServiceUri.OriginalString.Length == 0,
                "Storage:BlobServiceUri must be an absolute URI such as https://account.blob.core.windows.net.")
            .Validate(o => IsContainerName(o.SessionsContainer) && IsContainerName(o.TranscriptsContainer),
                "Storage container names must be 3–63 lowercase letters, digits or '-'.")
            .ValidateOnStart();

        services.TryAddSingleton(provider => CreateServiceClient(
            provider.GetRequiredService<IOptions<StorageOptions>>().Value, configuration));

        services.TryAddSingleton<ICallSessionStore>(provider => new BlobCallSessionStore(
            provider.GetRequiredService<BlobServiceClient>().GetBlobContainerClient(
                provider.GetRequiredService<IOptions<StorageOptions>>().Value.SessionsContainer),
            provider.GetRequiredService<ILogger<BlobCallSessionStore>>()));

        services.TryAddSingleton<ICallRecordSink>(provider => new BlobCallRecordSink(
            provider.GetRequiredService<BlobServiceClient>().GetBlobContainerClient(
                provider.GetRequiredService<IOptions<StorageOptions>>().Value.TranscriptsContainer),
            provider.GetRequiredService<ILogger<BlobCallRecordSink>>()));

        return services;
    }

    /// <summary>Builds the Blob service client the options describe.</summary>
    public static BlobServiceClient CreateServiceClient(StorageOptions options, IConfiguration? configuration = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            return new BlobServiceClient(options.ConnectionString);
        }

        // An empty setting (Storage__BlobServiceUri="") binds as an empty relative URI: treat it as unset.
        if (options.BlobServiceUri is { IsAbsoluteUri: true })
        {
            // A user-assigned managed identity is chosen by AZURE_CLIENT_ID (an app setting, so also configuration).
            var clientId = configuration?["AZURE_CLIENT_ID"] ?? Environment.GetEnvironmentVariable("AZURE_CLIENT_ID");
            var credential = new DefaultAzureCredential(new DefaultAzureCredentialOptions
            {
                ManagedIdentityClientId = string.IsNullOrWhiteSpace(clientId) ? null : clientId,
            });
            return new BlobServiceClient(options.BlobServiceUri, credential);
        }

        return new BlobServiceClient(LocalDefaults.StorageConnectionString);
    }

    private static bool IsContainerName(string? name) =>
        name is { Length: >= 3 and <= 63 }
        && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')
        && name[0] != '-';
}
