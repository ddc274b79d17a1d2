using DvServerless.Adapters.Commands;
using DvServerless.Core.Calls;
using Microsoft.Extensions.Options;

namespace DvServerless.Functions.Sip;

/// <summary>
/// <see cref="ISipWorkerClient"/> through Storage queues, for a worker that scales out behind an ingress this app cannot
/// steer: the capacity check is a <see cref="SipQueueMessages.Reserve"/> on the shared SIP queue, which only replicas with a
/// free seat read; the first one keeps a seat for the call and names its own command queue, where the attach then goes.
/// No reply within <see cref="SipRoutingOptions.WorkerTimeout"/> means no replica has room (or none runs): the call is
/// refused busy. Without a capacity check the attach itself goes to the shared queue, for any replica with room.
/// </summary>
public sealed class QueuedSipWorkerClient : ISipWorkerClient
{
    private readonly QueuedCommandExchange _exchange;
    private readonly SipRoutingOptions _routing;
    private readonly TimeProvider _time;

    /// <summary>Creates the client.</summary>
    public QueuedSipWorkerClient(QueuedCommandExchange exchange, IOptions<SipRoutingOptions> routing, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(routing);
        _exchange = exchange;
        _routing = routing.Value;
        _time = time;
    }

    /// <inheritdoc />
    public async Task<SipWorkerAnswer> CheckCapacityAsync(string callId, CancellationToken cancellationToken)
    {
        var result = await SendAsync(SipQueueMessages.Name, callId, SipQueueMessages.Reserve, null, null, cancellationToken).ConfigureAwait(false);
        return result switch
        {
            { Delivery: QueuedCommandDelivery.Replied, Reply: { Status: CallCommandReplyStatus.Done, Queue: { Length: > 0 } queue } reply } =>
                new SipWorkerAnswer(true, 200, $"replica {reply.Replica} keeps a seat", queue),
            { Delivery: QueuedCommandDelivery.Replied, Reply: { } reply } => new SipWorkerAnswer(false, null, $"replica {reply.Replica} answered {Describe(reply)}"),
            _ => new SipWorkerAnswer(false, null, Undelivered(result, SipQueueMessages.Name)),
        };
    }

    /// <inheritdoc />
    public async Task<SipWorkerAnswer> AttachAsync(string callId, string sipCallId, string? worker, CallOwner owner, CancellationToken cancellationToken)
    {
        var queue = string.IsNullOrEmpty(worker) ? SipQueueMessages.Name : worker;
        var result = await SendAsync(queue, callId, SipQueueMessages.Attach, sipCallId, owner, cancellationToken).ConfigureAwait(false);
        return result switch
        {
            { Delivery: QueuedCommandDelivery.Replied, Reply: { Status: CallCommandReplyStatus.Done } reply } =>
                new SipWorkerAnswer(true, 202, $"sideband attach handed to replica {reply.Replica}"),
            { Delivery: QueuedCommandDelivery.Replied, Reply: { } reply } => new SipWorkerAnswer(false, null, $"replica {reply.Replica} answered {Describe(reply)}"),
            _ => new SipWorkerAnswer(false, null, Undelivered(result, queue)),
        };
    }

    private Task<QueuedCommandResult> SendAsync(string queue, string callId, string action, string? sipCallId, CallOwner? owner, CancellationToken cancellationToken)
    {
        var limit = _routing.WorkerTimeout;
        var message = new CallCommandMessage(CallCommandMessage.NewId(), callId, action, _time.GetUtcNow() + limit, SipCallId: sipCallId, Owner: owner);
        return _exchange.SendAsync(queue, message, limit, cancellationToken);
    }

    private static string Describe(CallCommandReplyDocument reply) =>
        reply.Status.ToString().ToLowerInvariant() + (string.IsNullOrEmpty(reply.Message) ? string.Empty : ": " + reply.Message);

    private string Undelivered(QueuedCommandResult result, string queue) => result.Delivery switch
    {
        QueuedCommandDelivery.QueueMissing => $"queue {queue} does not exist (no worker replica listens)",
        QueuedCommandDelivery.NoReply => $"no worker replica with room answered on queue {queue} within {_routing.WorkerTimeout.TotalSeconds:0.#} s",
        _ => $"queue {queue} or the replies are unreachable ({result.Error})",
    };
}
