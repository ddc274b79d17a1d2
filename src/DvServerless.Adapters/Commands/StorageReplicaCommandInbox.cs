using Azure;
using Azure.Storage.Queues;

namespace DvServerless.Adapters.Commands;

/// <summary><see cref="IReplicaCommandInbox"/> over an Azure Storage queue (Azurite locally).</summary>
public sealed class StorageReplicaCommandInbox : IReplicaCommandInbox
{
    private readonly QueueClient _queue;

    /// <summary>Creates the queue's client; nothing is sent until it is used.</summary>
    public StorageReplicaCommandInbox(QueueClient queue)
    {
        ArgumentNullException.ThrowIfNull(queue);
        _queue = queue;
    }

    /// <inheritdoc />
    public string Name => _queue.Name;

    /// <inheritdoc />
    public Task CreateAsync(CancellationToken cancellationToken) => _queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<QueuedCommand>> ReceiveAsync(int maxMessages, TimeSpan visibilityTimeout, CancellationToken cancellationToken)
    {
        var received = await _queue.ReceiveMessagesAsync(maxMessages, visibilityTimeout, cancellationToken).ConfigureAwait(false);
        return received.Value.Select(m => new QueuedCommand(m.MessageId, m.PopReceipt, m.MessageText ?? string.Empty, m.DequeueCount)).ToArray();
    }

    /// <inheritdoc />
    public async Task DeleteAsync(QueuedCommand message, CancellationToken cancellationToken)
    {
        try
        {
            await _queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // Already gone (expired meanwhile): what deleting it would have achieved.
        }
    }

    /// <inheritdoc />
    public async Task ReleaseAsync(QueuedCommand message, CancellationToken cancellationToken)
    {
        try
        {
            await _queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: TimeSpan.Zero, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // Expired or taken meanwhile: nothing left to release.
        }
    }

    /// <inheritdoc />
    public Task DeleteQueueAsync(CancellationToken cancellationToken) => _queue.DeleteIfExistsAsync(cancellationToken);
}
