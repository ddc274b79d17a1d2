using DvServerless.Adapters.Commands;
using DvServerless.Functions.Hosting;
using Microsoft.Extensions.Options;

namespace DvServerless.Functions.CallCommands;

/// <summary>
/// Delivers a call command through the Storage queue of the worker replica that holds the call, and waits for the
/// replica's reply (<see cref="ICallCommandReplies"/>) until the same deadline the HTTP path has
/// (<see cref="MediaWorkerCallCommandClient.TimeLimit"/>). The message expires at that deadline: a replica that is down
/// or slow never carries it out after the caller of the API has been told it failed.
/// </summary>
public sealed class QueuedCallCommandClient
{
    private readonly QueuedCommandExchange _exchange;
    private readonly MediaWorkerOptions _worker;
    private readonly TimeProvider _time;

    /// <summary>Creates the client.</summary>
    public QueuedCallCommandClient(QueuedCommandExchange exchange, IOptions<MediaWorkerOptions> worker, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(worker);
        _exchange = exchange;
        _worker = worker.Value;
        _time = time;
    }

    /// <summary>Whether commands can travel by queue at all.</summary>
    public bool IsAvailable => _exchange.IsAvailable;

    /// <summary>Sends <paramref name="command"/> for <paramref name="callId"/> to queue <paramref name="queueName"/> and waits for the reply.</summary>
    public async Task<CallCommandAnswer> SendAsync(string queueName, string callId, CallCommand command, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(queueName);
        ArgumentException.ThrowIfNullOrEmpty(callId);
        ArgumentNullException.ThrowIfNull(command);
        var limit = MediaWorkerCallCommandClient.TimeLimit(command, _worker);
        var message = new CallCommandMessage(CallCommandMessage.NewId(), callId, command.Action, _time.GetUtcNow() + limit,
            command.Enabled, command.Text, command.Voice, command.Interrupt);
        var result = await _exchange.SendAsync(queueName, message, limit, cancellationToken).ConfigureAwait(false);
        return result.Delivery switch
        {
            QueuedCommandDelivery.Replied => Answer(result.Reply!, queueName),
            QueuedCommandDelivery.QueueMissing => new CallCommandAnswer(CallCommandResult.NotLive, null, $"queue {queueName} is gone (its replica stopped)"),
            QueuedCommandDelivery.NoReply => new CallCommandAnswer(CallCommandResult.Failed, null, $"no reply through queue {queueName} within {limit.TotalSeconds:0.#} s"),
            _ => new CallCommandAnswer(CallCommandResult.Failed, null, $"queue {queueName} or its replies are unreachable ({result.Error})"),
        };
    }

    // The same answers the HTTP route gives, with the status code it would have used, so both paths read alike in logs.
    private static CallCommandAnswer Answer(CallCommandReplyDocument reply, string queueName) => reply.Status switch
    {
        CallCommandReplyStatus.Done => new CallCommandAnswer(CallCommandResult.Done, 200, "done by " + reply.Replica),
        CallCommandReplyStatus.NotLive => new CallCommandAnswer(CallCommandResult.NotLive, 404, $"replica {reply.Replica} runs no such call"),
        CallCommandReplyStatus.NotSupported => new CallCommandAnswer(CallCommandResult.NotSupported, 409, "the call's channel has no such control"),
        CallCommandReplyStatus.Unavailable => new CallCommandAnswer(CallCommandResult.Unavailable, 503, "the worker could not make the speech"),
        _ => new CallCommandAnswer(CallCommandResult.Failed, 400, $"replica {reply.Replica} refused the command from queue {queueName}: {reply.Message}"),
    };
}
