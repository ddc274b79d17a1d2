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
    private readonly ICallCommandQueueSender _queues;
    private readonly ICallCommandReplies _replies;
    private readonly MediaWorkerOptions _worker;
    private readonly CallCommandQueueOptions _options;
    private readonly TimeProvider _time;

    /// <summary>Creates the client.</summary>
    public QueuedCallCommandClient(ICallCommandQueueSender queues, ICallCommandReplies replies, IOptions<MediaWorkerOptions> worker,
        IOptions<CallCommandQueueOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(worker);
        ArgumentNullException.ThrowIfNull(options);
        _queues = queues;
        _replies = replies;
        _worker = worker.Value;
        _options = options.Value;
        _time = time;
    }

    /// <summary>Whether commands can travel by queue at all.</summary>
    public bool IsAvailable => _queues.IsAvailable;

    /// <summary>Sends <paramref name="command"/> for <paramref name="callId"/> to queue <paramref name="queueName"/> and waits for the reply.</summary>
    public async Task<CallCommandAnswer> SendAsync(string queueName, string callId, CallCommand command, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(queueName);
        ArgumentException.ThrowIfNullOrEmpty(callId);
        ArgumentNullException.ThrowIfNull(command);
        var limit = MediaWorkerCallCommandClient.TimeLimit(command, _worker);
        var message = new CallCommandMessage(CallCommandMessage.NewId(), callId, command.Action, _time.GetUtcNow() + limit,
            command.Enabled, command.Text, command.Voice, command.Interrupt);
        using var timeout = new CancellationTokenSource(limit, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            // The queue drops the message itself once nobody waits for it (whole seconds, rounded up).
            var ttl = TimeSpan.FromSeconds(Math.Ceiling(limit.TotalSeconds));
            if (!await _queues.SendAsync(queueName, message, ttl, linked.Token).ConfigureAwait(false))
            {
                return new CallCommandAnswer(CallCommandResult.NotLive, null, $"queue {queueName} is gone (its replica stopped)");
            }

            while (true)
            {
                if (await _replies.TryReadAsync(message.Id, linked.Token).ConfigureAwait(false) is { } reply)
                {
                    return Answer(reply, queueName);
                }

                await Task.Delay(_options.ReplyPollInterval, _time, linked.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return new CallCommandAnswer(CallCommandResult.Failed, null, $"no reply through queue {queueName} within {limit.TotalSeconds:0.#} s");
        }
        catch (Exception e) when (e is Azure.RequestFailedException or HttpRequestException or IOException)
        {
            return new CallCommandAnswer(CallCommandResult.Failed, null, $"queue {queueName} or its replies are unreachable ({e.GetType().Name})");
        }
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
