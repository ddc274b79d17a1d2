using DvServerless.Adapters.Commands;
using DvServerless.Adapters.OpenAI.Webhooks;
using DvServerless.Adapters.Storage;
using DvServerless.MediaWorker.Sip;

namespace DvServerless.MediaWorker.Commands;

/// <summary>
/// Carries out the SIP commands that reach this replica by queue (<see cref="SipQueueMessages"/>): a seat for a call being
/// accepted, and the attach of its sideband. From the shared queue a command this replica cannot take now (no free seat,
/// draining) is declined (null) and stays there for another replica; from the replica's own queue, where the Functions app
/// sends the attach of a call it reserved a seat for here, it is answered <see cref="CallCommandReplyStatus.Unavailable"/>.
/// </summary>
public sealed class SipSeatCommands
{
    private readonly SidebandCallRunner _runner;
    private readonly WorkerReplica _replica;

    /// <summary>Creates the commands over the replica's sideband runner.</summary>
    public SipSeatCommands(SidebandCallRunner runner, WorkerReplica replica)
    {
        _runner = runner;
        _replica = replica;
    }

    /// <summary>
    /// Whether this replica takes commands from the shared queue now: its own queue is listened to (the attach can reach
    /// it) and it has a free seat.
    /// </summary>
    public bool HasRoom => _replica.ReadyQueue is not null && _runner.Capacity.Available;

    /// <summary>Carries out <paramref name="command"/>; null declines it (shared queue only).</summary>
    public CallCommandReplyDocument? Execute(CallCommandMessage command, bool fromSharedQueue)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (!CallIdFormat.IsValid(command.CallId))
        {
            return Reply(CallCommandReplyStatus.Invalid, "callId must be a well-formed call id.");
        }

        switch (command.Action)
        {
            case SipQueueMessages.Reserve:
                if (_replica.ReadyQueue is not { } queue)
                {
                    return fromSharedQueue ? null : Reply(CallCommandReplyStatus.Unavailable, "this replica takes no queued commands yet");
                }

                return _runner.TryReserve(command.CallId) ? Reply(CallCommandReplyStatus.Done, null) with { Queue = queue }
                    : fromSharedQueue ? null : Reply(CallCommandReplyStatus.Unavailable, "no free SIP seat");

            case SipQueueMessages.Attach:
                if (!RealtimeCallIncomingParser.IsCallId(command.SipCallId))
                {
                    return Reply(CallCommandReplyStatus.Invalid, "sipCallId must be a well-formed SIP call id.");
                }

                return _runner.TryStart(command.CallId, command.SipCallId!, command.Owner ?? default) switch
                {
                    SidebandStartResult.Started or SidebandStartResult.AlreadyAttached => Reply(CallCommandReplyStatus.Done, null),
                    SidebandStartResult.Draining when !fromSharedQueue => Reply(CallCommandReplyStatus.Unavailable, "the worker is draining"),
                    _ when !fromSharedQueue => Reply(CallCommandReplyStatus.Unavailable, "the worker is at capacity"),
                    _ => null,
                };

            default:
                return Reply(CallCommandReplyStatus.Invalid, $"'{command.Action}' is not a SIP action.");
        }
    }

    private CallCommandReplyDocument Reply(CallCommandReplyStatus status, string? message) => new(status, message, _replica.Name);
}
