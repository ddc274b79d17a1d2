using Azure;
using Azure.Storage.Queues;

namespace DvServerless.Adapters.CallActions;

/// <summary><see cref="ICallActionSender"/> over the Storage queue <see cref="CallActionQueueDefaults.Name"/> (Azurite locally).</summary>
public sealed class StorageCallActionSender : ICallActionSender
{
    // A hang-up nobody carried out within minutes is moot (the call has ended one way or another): let the queue drop it.
    private static readonly TimeSpan TimeToLive = TimeSpan.FromMinutes(10);

    private readonly QueueClient _queue;

    /// <summary>Creates the sender over <paramref name="queue"/>.</summary>
    public StorageCallActionSender(QueueClient queue)
    {
        ArgumentNullException.ThrowIfNull(queue);
        _queue = queue;
    }

    /// <inheritdoc />
    public async Task SendAsync(CallActionMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        try
        {
            await SendOnceAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // Locally the Functions app creates the queue when it starts, which may be after the worker's first call; in
            // Azure the deployment creates it (the worker's identity may only send).
            await _queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            await SendOnceAsync(message, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task SendOnceAsync(CallActionMessage message, CancellationToken cancellationToken) =>
        await _queue.SendMessageAsync(message.ToJson(), visibilityTimeout: null, timeToLive: TimeToLive, cancellationToken).ConfigureAwait(false);
}
