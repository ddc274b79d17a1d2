using Azure.Storage.Queues;
using DvServerless.Adapters.Commands;
using DvServerless.Adapters.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace DvServerless.Adapters.CallActions;

/// <summary>
/// The client of queue <see cref="CallActionQueueDefaults.Name"/> in the Queue service the storage settings name (the same rules
/// as the command queues: <see cref="CommandQueueServiceCollectionExtensions.TryCreateQueueServiceClient"/>), or none when
/// they name no Queue service. Resolved once, from the final configuration.
/// </summary>
public sealed class CallActionQueueAccess
{
    /// <summary>Resolves the queue from the storage settings.</summary>
    public CallActionQueueAccess(IOptions<StorageOptions> storage, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(storage);
        Queue = CommandQueueServiceCollectionExtensions.TryCreateQueueServiceClient(storage.Value, configuration)?.GetQueueClient(CallActionQueueDefaults.Name);
    }

    /// <summary>Uses <paramref name="queue"/> (null: no queue).</summary>
    public CallActionQueueAccess(QueueClient? queue) => Queue = queue;

    /// <summary>The queue, or null when the account has no Queue service (then ACS calls cannot be hung up or transferred).</summary>
    public QueueClient? Queue { get; }
}
