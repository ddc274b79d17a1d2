using DvServerless.Adapters.CallActions;
using DvServerless.Adapters.Commands;

namespace DvServerless.Functions.CallActions;

/// <summary>
/// Stands in for the <c>CallAction</c> queue trigger when the app runs standalone (no Functions host fires triggers there):
/// takes the messages of <see cref="CallActionQueueDefaults.Name"/> and hands each to <see cref="CallActionQueueHandler"/>, with
/// the host's rules: a message is deleted once handled, one that failed comes back after
/// <see cref="CallActionQueueDefaults.VisibilityTimeout"/>, and after <see cref="CallActionQueueDefaults.MaxDequeueCount"/> deliveries it is poison.
/// </summary>
/// <remarks>
/// An idle queue is polled every <see cref="IdlePollInterval"/>, without backing off: a hang-up the agent asked for must
/// not wait for the poller (locally Azurite answers four empty receives a second without effort).
/// </remarks>
public sealed partial class StandaloneCallActionPoller : BackgroundService
{
    /// <summary>The wait after an empty receive.</summary>
    public static readonly TimeSpan IdlePollInterval = TimeSpan.FromMilliseconds(250);

    private static readonly TimeSpan LongestCreateWait = TimeSpan.FromSeconds(30);
    private const int BatchSize = 16;

    private readonly IReplicaCommandInbox? _inbox;
    private readonly CallActionQueueHandler _handler;
    private readonly TimeProvider _time;
    private readonly ILogger<StandaloneCallActionPoller> _logger;

    /// <summary>Creates the poller on the queue <paramref name="access"/> names (none: it does nothing).</summary>
    public StandaloneCallActionPoller(CallActionQueueAccess access, CallActionQueueHandler handler, TimeProvider time, ILogger<StandaloneCallActionPoller> logger)
        // The command queues' inbox: receive, delete, create are the same on any Storage queue.
        : this(access?.Queue is { } queue ? new StorageReplicaCommandInbox(queue) : null, handler, time, logger)
    {
    }

    /// <summary>Creates the poller on <paramref name="inbox"/> (null: it does nothing); tests pass their own.</summary>
    internal StandaloneCallActionPoller(IReplicaCommandInbox? inbox, CallActionQueueHandler handler, TimeProvider time, ILogger<StandaloneCallActionPoller> logger)
    {
        _inbox = inbox;
        _handler = handler;
        _time = time;
        _logger = logger;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_inbox is null)
        {
            LogNoQueue();
            return;
        }

        try
        {
            await CreateQueueAsync(_inbox, stoppingToken).ConfigureAwait(false);
            LogListening(_inbox.Name, IdlePollInterval.TotalMilliseconds);
            while (!stoppingToken.IsCancellationRequested)
            {
                if (await ReceiveOnceAsync(_inbox, stoppingToken).ConfigureAwait(false) == 0)
                {
                    await Task.Delay(IdlePollInterval, _time, stoppingToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: a message being handled comes back after its visibility timeout.
        }
    }

    /// <summary>Receives one batch and handles it; the number of messages received.</summary>
    internal async Task<int> ReceiveOnceAsync(IReplicaCommandInbox inbox, CancellationToken stoppingToken)
    {
        IReadOnlyList<QueuedCommand> batch;
        try
        {
            batch = await inbox.ReceiveAsync(BatchSize, CallActionQueueDefaults.VisibilityTimeout, stoppingToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogReceiveFailed(ex, inbox.Name);
            return 0;
        }

        await Task.WhenAll(batch.Select(message => HandleAsync(inbox, message, stoppingToken))).ConfigureAwait(false);
        return batch.Count;
    }

    private async Task HandleAsync(IReplicaCommandInbox inbox, QueuedCommand message, CancellationToken stoppingToken)
    {
        try
        {
            if (await _handler.HandleAsync(message.Text, message.DequeueCount, stoppingToken).ConfigureAwait(false))
            {
                await inbox.DeleteAsync(message, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            // Storage failed under the session read or the delete: the message comes back after its visibility timeout.
            LogHandlingFailed(ex, message.MessageId);
        }
    }

    private async Task CreateQueueAsync(IReplicaCommandInbox inbox, CancellationToken stoppingToken)
    {
        for (var wait = IdlePollInterval; ; wait = wait * 2 < LongestCreateWait ? wait * 2 : LongestCreateWait)
        {
            try
            {
                await inbox.CreateAsync(stoppingToken).ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogCreateFailed(ex, inbox.Name);
            }

            await Task.Delay(wait, _time, stoppingToken).ConfigureAwait(false);
        }
    }

    [LoggerMessage(EventId = 9425, Level = LogLevel.Information, Message = "Taking the media worker's call actions from queue {Queue} (idle poll every {IntervalMs} ms)")]
    private partial void LogListening(string queue, double intervalMs);

    [LoggerMessage(EventId = 9426, Level = LogLevel.Warning, Message = "Receiving from queue {Queue} failed; trying again")]
    private partial void LogReceiveFailed(Exception exception, string queue);

    [LoggerMessage(EventId = 9427, Level = LogLevel.Warning, Message = "Queue {Queue} could not be created; trying again")]
    private partial void LogCreateFailed(Exception exception, string queue);

    [LoggerMessage(EventId = 9428, Level = LogLevel.Warning, Message = "Call action message {MessageId} could not be handled; it comes back after its visibility timeout")]
    private partial void LogHandlingFailed(Exception exception, string messageId);

    [LoggerMessage(EventId = 9429, Level = LogLevel.Warning, Message = "The storage settings name no Queue service: the media worker's hang-ups and transfers of ACS calls are not carried out")]
    private partial void LogNoQueue();
}
