using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using DvServerless.Adapters.Storage;
using DvServerless.Core.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace DvServerless.Adapters.Commands;

/// <summary>Registers the worker replicas' command queues and the command replies.</summary>
public static class CommandQueueServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="CallCommandQueueOptions"/> (section <c>CommandQueue</c>), <see cref="ICallCommandReplies"/>
    /// over the Blob account, <see cref="CommandQueueAccess"/> (the Queue service the storage settings name, see
    /// <see cref="TryCreateQueueServiceClient"/>, unless <c>CommandQueue:Enabled</c> is false) and
    /// <see cref="ICallCommandQueueSender"/> and <see cref="QueuedCommandExchange"/>. Needs <c>AddDvServerlessStorage</c>.
    /// </summary>
    public static IServiceCollection AddDvServerlessCommandQueues(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<CallCommandQueueOptions>()
            .Bind(configuration.GetSection(CallCommandQueueOptions.SectionName))
            .Validate(o => o.MaxDequeueCount is >= 1 and <= 20, "CommandQueue:MaxDequeueCount must be between 1 and 20.")
            .Validate(o => o.VisibilityTimeout >= TimeSpan.FromSeconds(5) && o.VisibilityTimeout <= TimeSpan.FromMinutes(5),
                "CommandQueue:VisibilityTimeout must be between 00:00:05 and 00:05:00.")
            .Validate(o => o.MinPollInterval >= TimeSpan.FromMilliseconds(10) && o.MinPollInterval <= TimeSpan.FromSeconds(1)
                    && o.MaxPollInterval >= TimeSpan.FromMilliseconds(100) && o.MaxPollInterval <= TimeSpan.FromSeconds(30)
                    && o.MaxPollInterval >= o.MinPollInterval,
                "CommandQueue:MinPollInterval must be 10 ms–1 s and CommandQueue:MaxPollInterval between it (at least 100 ms) and 30 s.")
            .Validate(o => o.ReplyPollInterval >= TimeSpan.FromMilliseconds(20) && o.ReplyPollInterval <= TimeSpan.FromSeconds(2),
                "CommandQueue:ReplyPollInterval must be between 20 ms and 2 s.")
            .Validate(o => o.BatchSize is >= 1 and <= 32, "CommandQueue:BatchSize must be between 1 and 32.")
            .ValidateOnStart();

        services.TryAddSingleton<ICallCommandReplies>(sp => new BlobCallCommandReplies(
            sp.GetRequiredService<BlobServiceClient>().GetBlobContainerClient(BlobCallCommandReplies.ContainerName)));
        services.TryAddSingleton<CommandQueueAccess>();
        services.TryAddSingleton<ICallCommandQueueSender>(sp => new StorageCallCommandQueueSender(sp.GetRequiredService<CommandQueueAccess>().Service));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<QueuedCommandExchange>();
        return services;
    }

    /// <summary>
    /// The Queue service client the storage settings describe, or null when they name none: a connection string with a
    /// <c>QueueEndpoint</c>, development storage, or an account key without explicit endpoints; else
    /// <see cref="StorageOptions.QueueServiceUri"/>, or the Blob endpoint with <c>.blob.</c> changed to <c>.queue.</c>,
    /// with Entra ID; nothing set at all means Azurite's development storage. A connection string that names only a Blob
    /// endpoint has no queues.
    /// </summary>
    public static QueueServiceClient? TryCreateQueueServiceClient(StorageOptions options, IConfiguration? configuration = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var clientOptions = new QueueClientOptions();
        clientOptions.Retry.Mode = Azure.Core.RetryMode.Exponential;
        clientOptions.Retry.MaxRetries = options.MaxRetries;
        clientOptions.Retry.Delay = options.RetryDelay;
        clientOptions.Retry.MaxDelay = options.MaxRetryDelay;
        clientOptions.Retry.NetworkTimeout = options.NetworkTimeout;
        clientOptions.Transport = StorageServiceCollectionExtensions.CreateTransport(options);
        if (!string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            var text = options.ConnectionString;
            var hasQueues = Contains(text, "QueueEndpoint=") || Contains(text, "UseDevelopmentStorage=true")
                || (Contains(text, "AccountKey=") && !Contains(text, "BlobEndpoint="));
            return hasQueues ? new QueueServiceClient(text, clientOptions) : null;
        }

        var queueUri = options.QueueServiceUri is { IsAbsoluteUri: true } explicitUri ? explicitUri : QueueUriOf(options.BlobServiceUri);
        if (queueUri is not null)
        {
            var clientId = configuration?["AZURE_CLIENT_ID"] ?? Environment.GetEnvironmentVariable("AZURE_CLIENT_ID");
            var credential = new DefaultAzureCredential(new DefaultAzureCredentialOptions
            {
                ManagedIdentityClientId = string.IsNullOrWhiteSpace(clientId) ? null : clientId,
            });
            return new QueueServiceClient(queueUri, credential, clientOptions);
        }

        return options.BlobServiceUri is { IsAbsoluteUri: true } ? null : new QueueServiceClient(LocalDefaults.StorageConnectionString, clientOptions);
    }

    private static Uri? QueueUriOf(Uri? blob)
    {
        if (blob is not { IsAbsoluteUri: true } || !blob.Host.Contains(".blob.", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var builder = new UriBuilder(blob) { Host = blob.Host.Replace(".blob.", ".queue.", StringComparison.OrdinalIgnoreCase) };
        return builder.Uri;
    }

    private static bool Contains(string text, string part) => text.Contains(part, StringComparison.OrdinalIgnoreCase);
}
