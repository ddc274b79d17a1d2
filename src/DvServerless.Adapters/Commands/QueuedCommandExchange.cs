using Microsoft.Extensions.Options;

namespace DvServerless.Adapters.Commands;

/// <summary>
/// The sending side of one queued command: puts the message on a queue, to be dropped by the queue itself once nobody
/// waits, and polls <see cref="ICallCommandReplies"/> for the replica's answer until the deadline. Live-call commands and
/// the SIP seat and attach travel this one way.
/// </summary>
public sealed class QueuedCommandExchange
{
    private readonly ICallCommandQueueSender _queues;
    private readonly ICallCommandReplies _replies;
    private readonly CallCommandQueueOptions _options;
    private readonly TimeProvider _time;

    /// <summary>Creates the exchange.</summary>
    public QueuedCommandExchange(ICallCommandQueueSender queues, ICallCommandReplies replies, IOptions<CallCommandQueueOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _queues = queues;
        _replies = replies;
        _options = options.Value;
        _time = time;
    }

    /// <summary>Whether commands can travel by queue at all.</summary>
    public bool IsAvailable => _queues.IsAvailable;

    /// <summary>
    /// Sends <paramref name="message"/> (whose <see cref="CallCommandMessage.ExpiresAt"/> should be now +
    /// <paramref name="limit"/>) to queue <paramref name="queueName"/> and waits up to <paramref name="limit"/> for its reply.
    /// </summary>
    public async Task<QueuedCommandResult> SendAsync(string queueName, CallCommandMessage message, TimeSpan limit, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(queueName);
        ArgumentNullException.ThrowIfNull(message);
        using var timeout = new CancellationTokenSource(limit, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            // The queue drops the message itself once nobody waits for it (whole seconds, rounded up).
            var ttl = TimeSpan.FromSeconds(Math.Ceiling(limit.TotalSeconds));
            if (!await _queues.SendAsync(queueName, message, ttl, linked.Token).ConfigureAwait(false))
            {
                return new QueuedCommandResult(QueuedCommandDelivery.QueueMissing, null);
            }

            while (true)
            {
                if (await _replies.TryReadAsync(message.Id, linked.Token).ConfigureAwait(false) is { } reply)
                {
                    return new QueuedCommandResult(QueuedCommandDelivery.Replied, reply);
                }

                await Task.Delay(_options.ReplyPollInterval, _time, linked.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return new QueuedCommandResult(QueuedCommandDelivery.NoReply, null);
        }
        catch (Exception e) when (e is Azure.RequestFailedException or HttpRequestException or IOException)
        {
            return new QueuedCommandResult(QueuedCommandDelivery.Unreachable, null, e.GetType().Name);
        }
    }
}
