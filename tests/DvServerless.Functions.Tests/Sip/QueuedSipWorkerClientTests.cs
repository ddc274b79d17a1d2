using DvServerless.Adapters.Commands;
using DvServerless.Core.Calls;
using DvServerless.Functions.Sip;
using DvServerless.Functions.Tests.Fakes;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace DvServerless.Functions.Tests.Sip;

/// <summary>
/// A SIP call's worker seat is asked of the shared SIP queue, which only replicas with room read: the replica that
/// answers names its own queue and the attach goes there; no answer within the worker timeout is "no room", and a
/// replica's refusal is passed on. Without a seat the attach goes to the shared queue for any replica with room.
/// </summary>
public sealed class QueuedSipWorkerClientTests
{
    private const string CallId = "rtc-session-1";
    private const string SipCallId = "rtc_0123456789abcdef0123456789abcdef";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 9, 0, 0, TimeSpan.Zero));
    private readonly FakeCommandQueues _queues = new();
    private readonly FakeCommandReplies _replies = new();

    private QueuedSipWorkerClient Client() => new(
        new QueuedCommandExchange(_queues, _replies, Options.Create(new CallCommandQueueOptions()), _time),
        Options.Create(new SipRoutingOptions { WorkerTimeout = TimeSpan.FromSeconds(2) }), _time);

    [Fact]
    public async Task The_seat_is_reserved_on_the_shared_queue_and_the_attach_goes_to_the_queue_of_the_replica_that_took_it()
    {
        _queues.OnSend = m => _replies.Put(m.Id, m.Action == SipQueueMessages.Reserve
            ? new CallCommandReplyDocument(CallCommandReplyStatus.Done, null, "replica-b", "dvs-cmd-replica-b")
            : new CallCommandReplyDocument(CallCommandReplyStatus.Done, null, "replica-b"));
        var client = Client();

        var seat = await client.CheckCapacityAsync(CallId, default);
        var owner = new CallOwner("tenant-a", "sales", "tenant-p");
        var attach = await client.AttachAsync(CallId, SipCallId, seat.Worker, owner, default);

        Assert.True(seat.Ok);
        Assert.Equal("dvs-cmd-replica-b", seat.Worker);
        Assert.True(attach.Ok);
        var sent = _queues.Sent.ToArray();
        Assert.Equal(2, sent.Length);
        Assert.Equal((SipQueueMessages.Name, SipQueueMessages.Reserve, CallId), (sent[0].Queue, sent[0].Message.Action, sent[0].Message.CallId));
        Assert.Equal(("dvs-cmd-replica-b", SipQueueMessages.Attach, CallId, SipCallId),
            (sent[1].Queue, sent[1].Message.Action, sent[1].Message.CallId, sent[1].Message.SipCallId));
        // Who the call belongs to travels with the attach, as the worker reads it off the queue.
        Assert.True(CallCommandMessage.TryParse(sent[1].Message.ToJson(), out var attachRead));
        Assert.Equal(owner, attachRead!.Owner);
        Assert.Null(sent[0].Message.Owner);
        // Each expires with the webhook's patience for the worker: nobody acts on it after the caller was refused.
        Assert.All(sent, s => Assert.Equal(_time.GetUtcNow() + TimeSpan.FromSeconds(2), s.Message.ExpiresAt));
        Assert.All(sent, s => Assert.Equal(TimeSpan.FromSeconds(2), s.Ttl));
    }

    [Fact]
    public async Task No_replica_answering_within_the_worker_timeout_means_no_room()
    {
        var checking = Client().CheckCapacityAsync(CallId, default);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!checking.IsCompleted)
        {
            Assert.True(DateTime.UtcNow < deadline, "The client never gave up.");
            _time.Advance(TimeSpan.FromMilliseconds(250));
            await Task.Delay(5);
        }

        var seat = await checking;
        Assert.False(seat.Ok);
        Assert.Null(seat.Worker);
        Assert.Contains("no worker replica with room", seat.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_shared_queue_that_does_not_exist_means_no_worker_listens()
    {
        _queues.Exists = false;

        var seat = await Client().CheckCapacityAsync(CallId, default);

        Assert.False(seat.Ok);
        Assert.Contains("does not exist", seat.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_replicas_refusal_of_the_attach_fails_it_with_the_reason()
    {
        _queues.OnSend = m => _replies.Put(m.Id, new CallCommandReplyDocument(CallCommandReplyStatus.Unavailable, "the worker is draining", "replica-b"));

        var attach = await Client().AttachAsync(CallId, SipCallId, "dvs-cmd-replica-b", default, default);

        Assert.False(attach.Ok);
        Assert.Contains("draining", attach.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_seat_the_attach_goes_to_the_shared_queue()
    {
        _queues.OnSend = m => _replies.Put(m.Id, new CallCommandReplyDocument(CallCommandReplyStatus.Done, null, "replica-a"));

        var attach = await Client().AttachAsync(CallId, SipCallId, worker: null, default, default);

        Assert.True(attach.Ok);
        Assert.Equal(SipQueueMessages.Name, Assert.Single(_queues.Sent).Queue);
    }
}
