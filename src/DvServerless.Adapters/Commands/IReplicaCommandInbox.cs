namespace DvServerless.Adapters.Commands;

/// <summary>The receiving end of one worker replica's command queue: its inbox.</summary>
public interface IReplicaCommandInbox
{
    /// <summary>The queue's name.</summary>
    string Name { get; }

    /// <summary>Creates the queue when it does not exist.</summary>
    Task CreateAsync(CancellationToken cancellationToken);

    /// <summary>Receives up to <paramref name="maxMessages"/> messages, each hidden from other receivers for <paramref name="visibilityTimeout"/>.</summary>
    Task<IReadOnlyList<QueuedCommand>> ReceiveAsync(int maxMessages, TimeSpan visibilityTimeout, CancellationToken cancellationToken);

    /// <summary>Deletes a received message (done with it, whatever the outcome).</summary>
    Task DeleteAsync(QueuedCommand message, CancellationToken cancellationToken);

    /// <summary>Makes a received message visible again at once, for another receiver (this one declined it).</summary>
    Task ReleaseAsync(QueuedCommand message, CancellationToken cancellationToken);

    /// <summary>Deletes the whole queue (the replica is going away).</summary>
    Task DeleteQueueAsync(CancellationToken cancellationToken);
}
