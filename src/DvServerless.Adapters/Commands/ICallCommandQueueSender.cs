namespace DvServerless.Adapters.Commands;

/// <summary>The sending end of the worker replicas' command queues, as the Functions app uses it.</summary>
public interface ICallCommandQueueSender
{
    /// <summary>Whether a Queue service is configured; without one every command goes over HTTP.</summary>
    bool IsAvailable { get; }

    /// <summary>
    /// Puts <paramref name="message"/> on queue <paramref name="queueName"/>, to be dropped by the queue itself after
    /// <paramref name="timeToLive"/>; false when there is no such queue (its replica is gone).
    /// </summary>
    Task<bool> SendAsync(string queueName, CallCommandMessage message, TimeSpan timeToLive, CancellationToken cancellationToken);
}
