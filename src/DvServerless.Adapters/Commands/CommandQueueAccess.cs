using Azure.Storage.Queues;
using DvServerless.Adapters.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace DvServerless.Adapters.Commands;

/// <summary>
/// The account's Queue service for command queues, or none: resolved once from the final configuration (settings a
/// host or test adds after registration included), so that both apps agree on whether commands travel by queue.
/// </summary>
public sealed class CommandQueueAccess
{
    /// <summary>Resolves the Queue service from the storage settings and <c>CommandQueue:Enabled</c>.</summary>
    public CommandQueueAccess(IOptions<StorageOptions> storage, IOptions<CallCommandQueueOptions> options, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(options);
        Service = options.Value.Enabled ? CommandQueueServiceCollectionExtensions.TryCreateQueueServiceClient(storage.Value, configuration) : null;
    }

    /// <summary>Uses <paramref name="service"/> (null: no queues).</summary>
    public CommandQueueAccess(QueueServiceClient? service) => Service = service;

    /// <summary>The Queue service, or null when commands go over HTTP only.</summary>
    public QueueServiceClient? Service { get; }
}
