using System.Collections.Concurrent;
using DvServerless.Adapters.Commands;
using DvServerless.MediaWorker.Calls;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DvServerless.MediaWorker.Commands;

/// <summary>
/// Takes this replica's call commands from its Storage queue and carries them out through <see cref="LiveCallCommands"/>,
/// the same code the HTTP route runs, leaving each answer in <see cref="ICallCommandReplies"/> for the Functions app.
/// </summary>
/// <remarks>
/// <para>The queue is created at start (retried with backoff while storage is unreachable); only then does
/// <see cref="WorkerReplica.ReadyQueue"/> let calls record it. An idle queue is polled at a doubling interval from
/// <see cref="CallCommandQueueOptions.MinPollInterval"/> up to <see cref="CallCommandQueueOptions.MaxPollInterval"/>.</para>
/// <para>A message is deleted once answered. One that keeps coming back (its handling failed
/// <see cref="CallCommandQueueOptions.MaxDequeueCount"/> times) or cannot be read is poison: logged and dropped. One past its
/// <see cref="CallCommandMessage.ExpiresAt"/> is dropped unexecuted: its sender stopped waiting, and a say heard
/// minutes late is worse than none. A command seen again after its answer was lost (the write failed) is answered
/// from memory, not carried out twice.</para>
/// <para>Stopping comes after the drain (the host's stopping phase), so commands reach calls until they end; the queue
/// is then deleted, and commands for this replica fail fast instead of waiting for it.</para>
/// </remarks>
public sealed partial class CommandQueueListener : BackgroundService
{
    private const int RememberedReplies = 1024;
    private static readonly TimeSpan DeleteQueueBudget = TimeSpan.FromSeconds(3);

    private readonly IReplicaCommandInbox? _inbox;
    private readonly ICallCommandReplies _replies;
    private readonly LiveCallCommands _commands;
    private readonly WorkerReplica _replica;
    private readonly CallCommandQueueOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<CommandQueueListener> _logger;
    private readonly ConcurrentDictionary<string, CallCommandReplyDocument> _answered = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _answeredOrder = new();
    private readonly SemaphoreSlim _slots;

    /// <summary>Creates the listener on <paramref name="inbox"/> (null: the account has no queues; the listener does nothing).</summary>
    public CommandQueueListener(IReplicaCommandInbox? inbox, ICallCommandReplies replies, LiveCallCommands commands, WorkerReplica replica,
        IOptions<CallCommandQueueOptions> options, TimeProvider time, ILogger<CommandQueueListener> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _inbox = inbox;
        _replies = replies;
        _commands = commands;
        _replica = replica;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _slots = new SemaphoreSlim(_options.BatchSize, _options.BatchSize);
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_inbox is null)
        {
            LogNoQueues();
            return;
        }

        if (!await CreateQueueAsync(_inbox, stoppingToken).ConfigureAwait(false))
        {
            return;
        }

        var running = new ConcurrentDictionary<Task, byte>();
        var wait = _options.MinPollInterval;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                // Take only as many messages as can be worked on now: a slow say must not hold others past their visibility.
                await _slots.WaitAsync(stoppingToken).ConfigureAwait(false);
                var free = 1;
                while (free < _options.BatchSize && _slots.Wait(0, CancellationToken.None))
                {
                    free++;
                }

                IReadOnlyList<QueuedCommand> batch;
                try
                {
                    batch = await _inbox.ReceiveAsync(free, _options.VisibilityTimeout, stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogReceiveFailed(ex, _inbox.Name);
                    batch = [];
                }

                _slots.Release(free - batch.Count);
                foreach (var message in batch)
                {
                    var task = HandleReleasingAsync(message, stoppingToken);
                    running[task] = 0;
                    _ = task.ContinueWith(t => running.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                }

                wait = batch.Count > 0 ? _options.MinPollInterval : Min(wait * 2, _options.MaxPollInterval);
                await Task.Delay(batch.Count > 0 ? TimeSpan.Zero : wait, _time, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            await Task.WhenAll(running.Keys).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _replica.SetListening(false);
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        if (_inbox is null)
        {
            return;
        }

        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(DeleteQueueBudget);
        try
        {
            await _inbox.DeleteQueueAsync(budget.Token).ConfigureAwait(false);
            LogQueueDeleted(_inbox.Name);
        }
        catch (Exception ex)
        {
            // A queue left behind is empty and costs nothing; its messages expire.
            LogQueueNotDeleted(ex, _inbox.Name);
        }
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        _slots.Dispose();
        base.Dispose();
    }

    /// <summary>Carries out one received message (the listener's loop calls it; tests call it directly).</summary>
    internal async Task HandleAsync(QueuedCommand message, CancellationToken stoppingToken)
    {
        if (!CallCommandMessage.TryParse(message.Text, out var command))
        {
            LogPoison(message.MessageId, "it is not a call command", message.DequeueCount);
            await DeleteAsync(message, stoppingToken).ConfigureAwait(false);
            return;
        }

        if (message.DequeueCount > _options.MaxDequeueCount)
        {
            LogPoison(message.MessageId, $"command {command!.Id} for call {command.CallId} was received {message.DequeueCount} times", message.DequeueCount);
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
                reply = await ExecuteAsync(command, now, stoppingToken).ConfigureAwait(false);
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

    private async Task<CallCommandReplyDocument> ExecuteAsync(CallCommandMessage command, DateTimeOffset now, CancellationToken stoppingToken)
    {
        if (LiveCallCommands.Parse(command.Action) is not { } action)
        {
            return new CallCommandReplyDocument(CallCommandReplyStatus.Invalid, $"Unknown action '{command.Action}'.", _replica.Name);
        }

        // The sender waits until the expiry and no longer: work past it would be heard by nobody's request.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        deadline.CancelAfter(command.ExpiresAt - now);
        var (status, message) = await _commands.ApplyAsync(command.CallId, action,
            new CallCommandBody(command.Enabled, command.Text, command.Voice, command.Interrupt), deadline.Token).ConfigureAwait(false);
        LogCommand(command.CallId, command.Action, status);
        return new CallCommandReplyDocument(status switch
        {
            CallCommandStatus.Done => CallCommandReplyStatus.Done,
            CallCommandStatus.NotLive => CallCommandReplyStatus.NotLive,
            CallCommandStatus.Invalid => CallCommandReplyStatus.Invalid,
            CallCommandStatus.NotSupported => CallCommandReplyStatus.NotSupported,
            _ => CallCommandReplyStatus.Unavailable,
        }, message, _replica.Name);
    }

    private async Task HandleReleasingAsync(QueuedCommand message, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Yield();
            await HandleAsync(message, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the message comes back to nobody and expires.
        }
        finally
        {
            _slots.Release();
        }
    }

    private async Task<bool> CreateQueueAsync(IReplicaCommandInbox inbox, CancellationToken stoppingToken)
    {
        var wait = _options.MinPollInterval;
        while (true)
        {
            try
            {
                await inbox.CreateAsync(stoppingToken).ConfigureAwait(false);
                _replica.SetListening(true);
                LogListening(inbox.Name, _replica.Name);
                return true;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return false;
            }
            catch (Exception ex)
            {
                LogCreateFailed(ex, inbox.Name);
            }

            // Storage down at start: calls run and take commands over HTTP meanwhile.
            wait = Min(wait * 2, TimeSpan.FromSeconds(30));
            try
            {
                await Task.Delay(wait, _time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }
    }

    private async Task DeleteAsync(QueuedCommand message, CancellationToken stoppingToken)
    {
        try
        {
            await _inbox!.DeleteAsync(message, stoppingToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            LogDeleteFailed(ex, message.MessageId);
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

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    [LoggerMessage(EventId = 9012, Level = LogLevel.Information, Message = "No Storage Queue service configured: call commands come over HTTP only")]
    private partial void LogNoQueues();

    [LoggerMessage(EventId = 9000, Level = LogLevel.Information, Message = "Taking call commands from queue {Queue} (replica {Replica})")]
    private partial void LogListening(string queue, string replica);

    [LoggerMessage(EventId = 9001, Level = LogLevel.Warning, Message = "Queue {Queue} could not be created; commands come over HTTP until it is")]
    private partial void LogCreateFailed(Exception exception, string queue);

    [LoggerMessage(EventId = 9002, Level = LogLevel.Warning, Message = "Receiving from queue {Queue} failed; trying again")]
    private partial void LogReceiveFailed(Exception exception, string queue);

    [LoggerMessage(EventId = 9003, Level = LogLevel.Error, Message = "Dropped poison message {MessageId} after {DequeueCount} deliveries: {Reason}")]
    private partial void LogPoison(string messageId, string reason, long dequeueCount);

    [LoggerMessage(EventId = 9004, Level = LogLevel.Warning, Message = "Dropped command {CommandId} ({Action}) for call {CallId}: expired {LateSeconds:0.#} s ago, not carried out")]
    private partial void LogExpired(string commandId, string callId, string action, double lateSeconds);

    [LoggerMessage(EventId = 9005, Level = LogLevel.Warning, Message = "Command {CommandId} ({Action}) for call {CallId} failed; it comes back after the visibility timeout")]
    private partial void LogHandlingFailed(Exception exception, string commandId, string callId, string action);

    [LoggerMessage(EventId = 9006, Level = LogLevel.Information, Message = "Call {CallId}: {Action} from the queue ({Status})")]
    private partial void LogCommand(string callId, string action, CallCommandStatus status);

    [LoggerMessage(EventId = 9007, Level = LogLevel.Warning, Message = "Queue message {MessageId} could not be deleted")]
    private partial void LogDeleteFailed(Exception exception, string messageId);

    [LoggerMessage(EventId = 9008, Level = LogLevel.Information, Message = "Deleted queue {Queue}: this replica takes no more commands")]
    private partial void LogQueueDeleted(string queue);

    [LoggerMessage(EventId = 9009, Level = LogLevel.Warning, Message = "Queue {Queue} could not be deleted; it is left empty")]
    private partial void LogQueueNotDeleted(Exception exception, string queue);
}
