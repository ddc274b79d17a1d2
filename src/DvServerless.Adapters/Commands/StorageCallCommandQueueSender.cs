using Azure;
using Azure.Storage.Queues;

namespace DvServerless.Adapters.Commands;

/// <summary><see cref="ICallCommandQueueSender"/> over Azure Storage queues (Azurite locally).</summary>
public sealed class StorageCallCommandQueueSender : ICallCommandQueueSender
{
    private readonly QueueServiceClient? _queues;

    /// <summary>Creates the sender over the account's queue service (null: none, <see cref="IsAvailable"/> is false).</summary>
    public StorageCallCommandQueueSender(QueueServiceClient? queues) => _queues = queues;

    /// <inheritdoc />
    public bool IsAvailable => _queues is not null;

    /// <inheritdoc />
    public async Task<bool> SendAsync(string queueName, CallCommandMessage message, TimeSpan timeToLive, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(queueName);
        ArgumentNullException.ThrowIfNull(message);
        if (_queues is null)
        {
            throw new InvalidOperationException("No Queue service is configured.");
        }

        try
        {
            await _queues.GetQueueClient(queueName).SendMessageAsync(message.ToJson(), visibilityTimeout: null, timeToLive: timeToLive, cancellationToken)
                .ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return false;
        }
    }
}
