using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using Azure.Storage.Blobs;
using DvServerless.Core.Calls;
using DvServerless.Core.Hosting;
using DvServerless.Core.Records;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
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
            .Validate(o => o.NetworkTimeout >= TimeSpan.FromMilliseconds(500) && o.NetworkTimeout <= TimeSpan.FromSeconds(60),
                "Storage:NetworkTimeout must be between 00:00:00.5 and 00:01:00.")
            .Validate(o => o.MaxRetries is >= 0 and <= 5, "Storage:MaxRetries must be between 0 and 5.")
            .Validate(o => o.MaxConnections is >= 2 and <= 1000, "Storage:MaxConnections must be between 2 and 1000.")
            .Validate(o => o.RetryDelay >= TimeSpan.Zero && o.RetryDelay <= TimeSpan.FromSeconds(5)
                    && o.MaxRetryDelay >= o.RetryDelay && o.MaxRetryDelay <= TimeSpan.FromSeconds(10),
                "Storage:RetryDelay must be between 0 and 5 s, and Storage:MaxRetryDelay between it and 10 s.")
            .Validate(o => o.RetryAfterSeconds is >= 1 and <= 300, "Storage:RetryAfterSeconds must be between 1 and 300.")
            .Validate(o => o.RequestBudget >= TimeSpan.FromMilliseconds(100) && o.RequestBudget <= TimeSpan.FromSeconds(30),
                "Storage:RequestBudget must be between 00:00:00.1 and 00:00:30.")
            .Validate(o => o.BreakAfterFailures is >= 1 and <= 100, "Storage:BreakAfterFailures must be between 1 and 100.")
            .Validate(o => o.BreakDuration >= TimeSpan.FromMilliseconds(100) && o.BreakDuration <= TimeSpan.FromMinutes(5),
                "Storage:BreakDuration must be between 00:00:00.1 and 00:05:00.")
            // Azurite's development storage is a local default only: in Azure it would mean a misconfigured app that
            // answers 503 forever. Read when validated: hosts and tests add configuration after registration.
            .Validate(o => !AzureHostDetection.IsInAzure(key => configuration[key]) || UsesConfiguredAccount(o),
                "Storage__BlobServiceUri (Storage:BlobServiceUri) or Storage__ConnectionString must name the storage account in Azure; " +
                "Azurite's development storage is a local default only.")
            .ValidateOnStart();

        // Says at start-up, without holding it up, when the storage account cannot be reached.
        services.AddHostedService<StorageReachabilityCheck>();

        // The 503 a request gets when storage is out, the same under either host.
        services.TryAddSingleton<StorageUnavailableResponder>();

        // One per app: every request path's Blob operations tell it whether storage answers.
        services.TryAddSingleton(provider => new StorageCircuitBreaker(
            provider.GetRequiredService<IOptions<StorageOptions>>().Value,
            provider.GetService<TimeProvider>() ?? TimeProvider.System,
            provider.GetRequiredService<ILogger<StorageCircuitBreaker>>()));
        services.TryAddSingleton(provider => CreateServiceClient(
            provider.GetRequiredService<IOptions<StorageOptions>>().Value, configuration, provider.GetRequiredService<StorageCircuitBreaker>()));

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

    /// <summary>
    /// Builds the Blob service client the options describe, with their bounded retries and network timeout, and their
    /// request budget and <paramref name="breaker"/> (a new one when null) for operations on an HTTP request's path.
    /// </summary>
    public static BlobServiceClient CreateServiceClient(StorageOptions options, IConfiguration? configuration = null, StorageCircuitBreaker? breaker = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var clientOptions = CreateClientOptions(options, breaker);
        if (!string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            return new BlobServiceClient(options.ConnectionString, clientOptions);
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
            return new BlobServiceClient(options.BlobServiceUri, credential, clientOptions);
        }

        return new BlobServiceClient(LocalDefaults.StorageConnectionString, clientOptions);
    }

    /// <summary>
    /// The Blob client options of <paramref name="options"/>: at most <see cref="StorageOptions.MaxConnections"/> connections,
    /// exponential retries bounded by <see cref="StorageOptions.MaxRetries"/>
    /// and <see cref="StorageOptions.MaxRetryDelay"/>, each try cut at <see cref="StorageOptions.NetworkTimeout"/>. With the
    /// defaults an unreachable account fails an operation in well under a second, and a stalled one in about 10 s: the
    /// patience of background work. On an HTTP request's path (<see cref="InteractiveStorageScope"/>) an operation is also
    /// cut at <see cref="StorageOptions.RequestBudget"/> and refused at once while <paramref name="breaker"/> (a new one
    /// when null) holds storage as out.
    /// </summary>
    public static BlobClientOptions CreateClientOptions(StorageOptions options, StorageCircuitBreaker? breaker = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var clientOptions = new BlobClientOptions();
        clientOptions.Retry.Mode = Azure.Core.RetryMode.Exponential;
        clientOptions.Retry.MaxRetries = options.MaxRetries;
        clientOptions.Retry.Delay = options.RetryDelay;
        clientOptions.Retry.MaxDelay = options.MaxRetryDelay;
        clientOptions.Retry.NetworkTimeout = options.NetworkTimeout;
        clientOptions.Transport = CreateTransport(options);
        breaker ??= new StorageCircuitBreaker(options, TimeProvider.System, NullLogger<StorageCircuitBreaker>.Instance);
        clientOptions.AddPolicy(new StorageRequestBudgetPolicy(options, breaker), HttpPipelinePosition.PerRetry);
        return clientOptions;
    }

    /// <summary>
    /// A storage client's transport: at most <see cref="StorageOptions.MaxConnections"/> connections to the account, further
    /// requests waiting for a free one. A try that times out closes its connection and its retry opens another; unbounded,
    /// a burst of such tries fills the account's accept queue (seen on Azurite) and new connections wait for TCP's
    /// retransmissions. Each client (Blob, each Queue client) has its own.
    /// </summary>
    internal static HttpClientTransport CreateTransport(StorageOptions options) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = options.MaxConnections,
        // A storage account's front end can move (a failover, a scale unit change): reconnect now and then to follow DNS.
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    });

    private static bool UsesConfiguredAccount(StorageOptions options) =>
        string.IsNullOrWhiteSpace(options.ConnectionString)
            ? options.BlobServiceUri is { IsAbsoluteUri: true }
            : !options.ConnectionString.Contains("UseDevelopmentStorage=true", StringComparison.OrdinalIgnoreCase)
                && !options.ConnectionString.Contains("AccountName=devstoreaccount1", StringComparison.OrdinalIgnoreCase);

    private static bool IsContainerName(string? name) =>
        name is { Length: >= 3 and <= 63 }
        && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')
        && name[0] != '-';
}
