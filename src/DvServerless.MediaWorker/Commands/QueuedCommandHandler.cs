using System.Collections.Concurrent;
using DvServerless.Adapters.Commands;
using Microsoft.Extensions.Logging;

namespace DvServerless.MediaWorker.Commands;

/// <summary>
/// What a replica does with one message it received from a command queue, whichever queue: reads it, drops poison and
/// expired messages, carries it out once, leaves the reply in <see cref="ICallCommandReplies"/> and deletes it.
/// </summary>
/// <remarks>
/// A message is deleted once answered. One that keeps coming back (its handling failed
/// <see cref="CallCommandQueueOptions.MaxDequeueCount"/> times) or cannot be read is poison: logged and dropped. One past its
/// <see cref="CallCommandMessage.ExpiresAt"/> is dropped unexecuted: its sender stopped waiting, and a say heard minutes
/// late is worse than none. A command seen again after its answer was lost (the write failed) is answered from memory,
/// not carried out twice. A command the executor declines (null: not for this replica now, e.g. no free seat) is left on
/// the queue untouched, for another replica once its visibility timeout passes.
/// </remarks>
public sealed partial class QueuedCommandHandler
{
    private const int RememberedReplies = 1024;

    private readonly IReplicaCommandInbox _inbox;
    private readonly ICallCommandReplies _replies;
    private readonly Func<CallCommandMessage, DateTimeOffset, CancellationToken, Task<CallCommandReplyDocument?>> _execute;
    private readonly int _maxDequeueCount;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, CallCommandReplyDocument> _answered = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _answeredOrder = new();

    /// <summary>Creates the handler of <paramref name="inbox"/>'s messages; <paramref name="execute"/> carries one out.</summary>
    public QueuedCommandHandler(IReplicaCommandInbox inbox, ICallCommandReplies replies,
        Func<CallCommandMessage, DateTimeOffset, CancellationToken, Task<CallCommandReplyDocument?>> execute, int maxDequeueCount, TimeProvider time, ILogger logger)
    {
        _inbox = inbox;
        _replies = replies;
        _execute = execute;
        _maxDequeueCount = maxDequeueCount;
        _time = time;
        _logger = logger;
    }

    /// <summary>Handles one received message.</summary>
    public async Task HandleAsync(QueuedCommand message, CancellationToken stoppingToken)
    {
        if (!CallCommandMessage.TryParse(message.Text, out var command))
        {
            LogPoison(message.MessageId, _inbox.Name, "it is not a call command", message.DequeueCount);
            await DeleteAsync(message, stoppingToken).ConfigureAwait(false);
            return;
        }

        if (message.DequeueCount > _maxDequeueCount)
        {
            LogPoison(message.MessageId, _inbox.Name, $"command {command!.Id} for call {command.CallId} was received {message.DequeueCount} times", message.DequeueCount);
            await DeleteAsync(message, stoppingToken).ConfigureAwait(false);
            return;
        }

        var now = _time.GetUtcNow();
        if (now >= command!.ExpiresAt)
        {
            LogExpired(command.Id, command.CallId, command.Action, (now - command.ExpiresAt).TotalSeconds);
            await DeleteAsync(message, stoppingToken).ConfigureAwait(false);
            return;
        }

        try
        {
            if (!_answered.TryGetValue(command.Id, out var reply))
            {
                reply = await _execute(command, now, stoppingToken).ConfigureAwait(false);
                if (reply is null)
                {
                    await ReleaseAsync(message, stoppingToken).ConfigureAwait(false);
                    return;
                }

                Remember(command.Id, reply);
            }

            await _replies.WriteAsync(command.Id, reply, stoppingToken).ConfigureAwait(false);
            await DeleteAsync(message, stoppingToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            // Left on the queue: it comes back after the visibility timeout, until it is poison.
            LogHandlingFailed(ex, command.Id, command.CallId, command.Action);
        }
    }

    private async Task DeleteAsync(QueuedCommand message, CancellationToken stoppingToken)
    {
        try
        {
            await _inbox.DeleteAsync(message, stoppingToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            LogDeleteFailed(ex, message.MessageId);
        }
    }

    private async Task ReleaseAsync(QueuedCommand message, CancellationToken stoppingToken)
    {
        try
        {
            await _inbox.ReleaseAsync(message, stoppingToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            // It comes back to the others once its visibility timeout passes.
            LogReleaseFailed(ex, message.MessageId);
        }
    }

    private void Remember(string id, CallCommandReplyDocument reply)
    {
        if (_answered.TryAdd(id, reply))
        {
            _answeredOrder.Enqueue(id);
            while (_answeredOrder.Count > RememberedReplies && _answeredOrder.TryDequeue(out var oldest))
            {
                _answered.TryRemove(oldest, out _);
            }
        }
    }

    [LoggerMessage(EventId = 9003, Level = LogLevel.Error, Message = "Dropped poison message {MessageId} from queue {Queue} after {DequeueCount} deliveries: {Reason}")]
    private partial void LogPoison(string messageId, string queue, string reason, long dequeueCount);

    [LoggerMessage(EventId = 9004, Level = LogLevel.Warning, Message = "Dropped command {CommandId} ({Action}) for call {CallId}: expired {LateSeconds:0.#} s ago, not carried out")]
    private partial void LogExpired(string commandId, string callId, string action, double lateSeconds);

    [LoggerMessage(EventId = 9005, Level = LogLevel.Warning, Message = "Command {CommandId} ({Action}) for call {CallId} failed; it comes back after the visibility timeout")]
    private partial void LogHandlingFailed(Exception exception, string commandId, string callId, string action);

    [LoggerMessage(EventId = 9014, Level = LogLevel.Warning, Message = "Declined queue message {MessageId} could not be released; others see it after its visibility timeout")]
    private partial void LogReleaseFailed(Exception exception, string messageId);

    [LoggerMessage(EventId = 9007, Level = LogLevel.Warning, Message = "Queue message {MessageId} could not be deleted")]
    private partial void LogDeleteFailed(Exception exception, string messageId);
}
