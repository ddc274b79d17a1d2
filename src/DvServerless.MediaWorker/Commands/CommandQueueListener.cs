using System.Collections.Concurrent;
using DvServerless.Adapters.Commands;
using DvServerless.MediaWorker.Calls;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DvServerless.MediaWorker.Commands;

/// <summary>
/// Takes this replica's commands from its Storage queue and carries them out: live-call commands through
/// <see cref="LiveCallCommands"/>, the same code the HTTP route runs, and the attach of a SIP call this replica keeps a
/// seat for through <see cref="SipSeatCommands"/>; each answer goes to <see cref="ICallCommandReplies"/> for the
/// Functions app (<see cref="QueuedCommandHandler"/>: poison, expiry and at-most-once).
/// </summary>
/// <remarks>
/// <para>The queue is created at start (retried with backoff while storage is unreachable); only then does
/// <see cref="WorkerReplica.ReadyQueue"/> let calls record it. An idle queue is polled at a doubling interval from
/// <see cref="CallCommandQueueOptions.MinPollInterval"/> up to <see cref="CallCommandQueueOptions.MaxPollInterval"/>.</para>
/// <para>Stopping comes after the drain (the host's stopping phase), so commands reach calls until they end; the queue
/// is then deleted, and commands for this replica fail fast instead of waiting for it.</para>
/// </remarks>
public sealed partial class CommandQueueListener : BackgroundService
{
    private static readonly TimeSpan DeleteQueueBudget = TimeSpan.FromSeconds(3);

    // After a SIP seat is taken here, how long the queue is polled at its shortest interval: the attach follows once the
    // Functions app has accepted the call, within seconds.
    private static readonly TimeSpan ExpectedCommandWindow = TimeSpan.FromSeconds(15);

    private readonly IReplicaCommandInbox? _inbox;
    private readonly LiveCallCommands _commands;
    private readonly WorkerReplica _replica;
    private readonly CallCommandQueueOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<CommandQueueListener> _logger;
    private readonly SipSeatCommands? _sip;
    private readonly QueuedCommandHandler? _handler;
    private readonly SemaphoreSlim _slots;

    /// <summary>
    /// Creates the listener on <paramref name="inbox"/> (null: the account has no queues; the listener does nothing);
    /// <paramref name="sip"/> null answers SIP attaches as invalid (the worker runs no SIP sidebands).
    /// </summary>
    public CommandQueueListener(IReplicaCommandInbox? inbox, ICallCommandReplies replies, LiveCallCommands commands, WorkerReplica replica,
        IOptions<CallCommandQueueOptions> options, TimeProvider time, ILogger<CommandQueueListener> logger, SipSeatCommands? sip = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _inbox = inbox;
        _commands = commands;
        _replica = replica;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _sip = sip;
        _slots = new SemaphoreSlim(_options.BatchSize, _options.BatchSize);
        _handler = inbox is null ? null
            : new QueuedCommandHandler(inbox, replies, async (c, now, ct) => await ExecuteAsync(c, now, ct).ConfigureAwait(false), _options.MaxDequeueCount, time, logger);
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_inbox is null)
        {
            LogNoQueues();
            return;
        }

        // Storage down at start: calls run and take commands over HTTP meanwhile.
        if (!await CommandQueueCreation.CreateAsync(_inbox, _options.MinPollInterval, ex => LogCreateFailed(ex, _inbox.Name), _time, stoppingToken).ConfigureAwait(false))
        {
            return;
        }

        _replica.SetListening(true);
        LogListening(_inbox.Name, _replica.Name);

        var running = new ConcurrentDictionary<Task, byte>();
        var wait = _options.MinPollInterval;
        var expected = _replica.CommandExpected;
        var hotUntil = 0L;
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

                var hot = _time.GetTimestamp() < hotUntil;
                wait = batch.Count > 0 || hot ? _options.MinPollInterval : Min(wait * 2, _options.MaxPollInterval);
                if (batch.Count == 0)
                {
                    var delay = Task.Delay(wait, _time, stoppingToken);
                    if (await Task.WhenAny(delay, expected).ConfigureAwait(false) == expected)
                    {
                        expected = _replica.CommandExpected;
                        hotUntil = _time.GetTimestamp() + (long)(ExpectedCommandWindow.TotalSeconds * _time.TimestampFrequency);
                        wait = _options.MinPollInterval;
                    }
                    else
                    {
                        await delay.ConfigureAwait(false);
                    }
                }
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
    internal Task HandleAsync(QueuedCommand message, CancellationToken stoppingToken) =>
        _handler?.HandleAsync(message, stoppingToken) ?? Task.CompletedTask;

    private async Task<CallCommandReplyDocument> ExecuteAsync(CallCommandMessage command, DateTimeOffset now, CancellationToken stoppingToken)
    {
        if (SipQueueMessages.IsSipAction(command.Action))
        {
            var reply = _sip?.Execute(command, fromSharedQueue: false)
                ?? new CallCommandReplyDocument(CallCommandReplyStatus.Invalid, "This worker runs no SIP calls.", _replica.Name);
            LogSipCommand(command.CallId, command.Action, reply.Status);
            return reply;
        }

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

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    [LoggerMessage(EventId = 9012, Level = LogLevel.Information, Message = "No Storage Queue service configured: call commands come over HTTP only")]
    private partial void LogNoQueues();

    [LoggerMessage(EventId = 9000, Level = LogLevel.Information, Message = "Taking call commands from queue {Queue} (replica {Replica})")]
    private partial void LogListening(string queue, string replica);

    [LoggerMessage(EventId = 9001, Level = LogLevel.Warning, Message = "Queue {Queue} could not be created; commands come over HTTP until it is")]
    private partial void LogCreateFailed(Exception exception, string queue);

    [LoggerMessage(EventId = 9002, Level = LogLevel.Warning, Message = "Receiving from queue {Queue} failed; trying again")]
    private partial void LogReceiveFailed(Exception exception, string queue);

    [LoggerMessage(EventId = 9006, Level = LogLevel.Information, Message = "Call {CallId}: {Action} from the queue ({Status})")]
    private partial void LogCommand(string callId, string action, CallCommandStatus status);

    [LoggerMessage(EventId = 9013, Level = LogLevel.Information, Message = "Call {CallId}: {Action} from the queue ({Status})")]
    private partial void LogSipCommand(string callId, string action, CallCommandReplyStatus status);

    [LoggerMessage(EventId = 9008, Level = LogLevel.Information, Message = "Deleted queue {Queue}: this replica takes no more commands")]
    private partial void LogQueueDeleted(string queue);

    [LoggerMessage(EventId = 9009, Level = LogLevel.Warning, Message = "Queue {Queue} could not be deleted; it is left empty")]
    private partial void LogQueueNotDeleted(Exception exception, string queue);
}
