using DvServerless.Adapters.Commands;
using DvServerless.MediaWorker.Sip;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DvServerless.MediaWorker.Commands;

/// <summary>
/// Reads the shared SIP queue (<see cref="SipQueueMessages.Name"/>) while this replica has a free seat: takes a seat for a
/// call being accepted (the reply names this replica's own queue, where the Functions app sends the attach) or, when the
/// Functions app skips the capacity check, attaches the call directly. A full or draining replica does not read it, so
/// calls go to replicas with room, and a call nobody has room for gets no reply and is refused busy.
/// </summary>
/// <remarks>
/// One message per receive: a seat is taken one call at a time, so a replica never takes more than it has room for. It is
/// polled every <see cref="SipSidebandOptions.QueuePollInterval"/> (it is the ring before the answer; backing off would
/// make the first call after a quiet spell wait), and it is never deleted: other replicas share it.
/// </remarks>
public sealed partial class SipQueueListener : BackgroundService
{
    private static readonly TimeSpan Visibility = TimeSpan.FromSeconds(5);

    private readonly IReplicaCommandInbox? _inbox;
    private readonly SipSeatCommands _commands;
    private readonly WorkerReplica _replica;
    private readonly SipSidebandOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<SipQueueListener> _logger;
    private readonly QueuedCommandHandler? _handler;

    /// <summary>Creates the listener on <paramref name="inbox"/> (null: the account has no queues; the listener does nothing).</summary>
    public SipQueueListener(IReplicaCommandInbox? inbox, ICallCommandReplies replies, SipSeatCommands commands, WorkerReplica replica,
        IOptions<SipSidebandOptions> options, IOptions<CallCommandQueueOptions> queueOptions, TimeProvider time, ILogger<SipQueueListener> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(queueOptions);
        _inbox = inbox;
        _commands = commands;
        _replica = replica;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _handler = inbox is null ? null : new QueuedCommandHandler(inbox, replies, (command, _, _) => Task.FromResult(Execute(command)),
            queueOptions.Value.MaxDequeueCount, time, logger);
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_inbox is null)
        {
            return;
        }

        if (!await CommandQueueCreation.CreateAsync(_inbox, _options.QueuePollInterval, ex => LogCreateFailed(ex, _inbox.Name), _time, stoppingToken).ConfigureAwait(false))
        {
            return;
        }

        LogListening(_inbox.Name, _replica.Name);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var took = false;
                if (_commands.HasRoom)
                {
                    took = await ReceiveOneAsync(_inbox, stoppingToken).ConfigureAwait(false);
                }

                if (!took)
                {
                    await Task.Delay(_options.QueuePollInterval, _time, stoppingToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the shared queue stays for the other replicas.
        }
    }

    /// <summary>Receives and handles at most one message; true when there was one.</summary>
    internal async Task<bool> ReceiveOneAsync(IReplicaCommandInbox inbox, CancellationToken stoppingToken)
    {
        IReadOnlyList<QueuedCommand> batch;
        try
        {
            batch = await inbox.ReceiveAsync(1, Visibility, stoppingToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogReceiveFailed(ex, inbox.Name);
            return false;
        }

        foreach (var message in batch)
        {
            await _handler!.HandleAsync(message, stoppingToken).ConfigureAwait(false);
        }

        return batch.Count > 0;
    }

    private CallCommandReplyDocument? Execute(CallCommandMessage command)
    {
        var reply = _commands.Execute(command, fromSharedQueue: true);
        if (reply is null)
        {
            LogDeclined(command.CallId, command.Action);
            return null;
        }

        if (command.Action == SipQueueMessages.Reserve && reply.Status == CallCommandReplyStatus.Done)
        {
            // The attach comes to this replica's own queue once the call is accepted: look there at once.
            _replica.ExpectCommand();
        }

        LogTaken(command.CallId, command.Action, reply.Status);
        return reply;
    }

    [LoggerMessage(EventId = 9015, Level = LogLevel.Information, Message = "Taking SIP calls from shared queue {Queue} while replica {Replica} has room")]
    private partial void LogListening(string queue, string replica);

    [LoggerMessage(EventId = 9016, Level = LogLevel.Warning, Message = "Shared SIP queue {Queue} could not be created; SIP calls come over HTTP until it is")]
    private partial void LogCreateFailed(Exception exception, string queue);

    [LoggerMessage(EventId = 9017, Level = LogLevel.Warning, Message = "Receiving from shared SIP queue {Queue} failed; trying again")]
    private partial void LogReceiveFailed(Exception exception, string queue);

    [LoggerMessage(EventId = 9018, Level = LogLevel.Information, Message = "Call {CallId}: {Action} from the shared SIP queue ({Status})")]
    private partial void LogTaken(string callId, string action, CallCommandReplyStatus status);

    [LoggerMessage(EventId = 9019, Level = LogLevel.Information, Message = "Call {CallId}: {Action} left on the shared SIP queue for another replica (no free seat here)")]
    private partial void LogDeclined(string callId, string action);
}
