using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

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
        // Being implemented by the storage work.
        return services;
    }
}
