using DvServerless.Adapters.Commands;
using DvServerless.MediaWorker.Commands;
using DvServerless.MediaWorker.Hosting;
using DvServerless.MediaWorker.Sip;
using DvServerless.MediaWorker.Tests.Fakes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace DvServerless.MediaWorker.Tests.Commands;

/// <summary>
/// The SIP seats of one replica as the queues reach them: a seat is kept for a call being accepted and counts against
/// Sip:MaxCalls until its attach fills it or its hold runs out; a replica without room, without its own queue or draining
/// leaves the shared queue's messages for the others (released at once, not answered), and answers its own queue's.
/// </summary>
public sealed class SipSeatCommandsTests : IAsyncDisposable
{
    private const string SipCallId = "rtc_0123456789abcdef0123456789abcdef";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 9, 0, 0, TimeSpan.Zero));
    private readonly WebApplication _app;
    private readonly SidebandCallRunner _runner;
    private readonly SipSeatCommands _seats;
    private readonly WorkerReplica _replica;

    public SipSeatCommandsTests()
    {
        // The worker's own registrations, not started: nothing here connects anywhere.
        _app = MediaWorkerApp.Build([], builder =>
        {
            builder.WebHost.UseTestServer();
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Sip:MaxCalls"] = "2",
                ["Sip:ReservationHold"] = "00:00:30",
                ["CONTAINER_APP_REPLICA_NAME"] = "replica-a",
            });
            builder.Services.AddSingleton<TimeProvider>(_time);
        });
        _runner = _app.Services.GetRequiredService<SidebandCallRunner>();
        _seats = _app.Services.GetRequiredService<SipSeatCommands>();
        _replica = _app.Services.GetRequiredService<WorkerReplica>();
        _replica.SetListening(true);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private CallCommandMessage Reserve(string callId) => new(CallCommandMessage.NewId(), callId, SipQueueMessages.Reserve, _time.GetUtcNow().AddSeconds(2));

    private CallCommandMessage Attach(string callId, string sipCallId = SipCallId) =>
        new(CallCommandMessage.NewId(), callId, SipQueueMessages.Attach, _time.GetUtcNow().AddSeconds(2), SipCallId: sipCallId);

    [Fact]
    public void A_seat_taken_from_the_shared_queue_names_this_replicas_queue_and_counts_until_its_hold_runs_out()
    {
        var reply = _seats.Execute(Reserve("call-1"), fromSharedQueue: true);

        Assert.NotNull(reply);
        Assert.Equal((CallCommandReplyStatus.Done, "replica-a", "dvs-cmd-replica-a"), (reply.Status, reply.Replica, reply.Queue));
        Assert.Equal(new SidebandCapacity(1, 2, true), _runner.Capacity);

        // Asked again (a redelivered webhook) it is the same seat, not a second one.
        Assert.Equal(CallCommandReplyStatus.Done, _seats.Execute(Reserve("call-1"), fromSharedQueue: true)!.Status);
        Assert.Equal(1, _runner.Capacity.Active);

        _time.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(new SidebandCapacity(0, 2, true), _runner.Capacity);
    }

    [Fact]
    public void A_full_replica_leaves_shared_queue_messages_to_others_and_refuses_its_own_queues()
    {
        _seats.Execute(Reserve("call-1"), fromSharedQueue: true);
        _seats.Execute(Reserve("call-2"), fromSharedQueue: true);

        Assert.False(_seats.HasRoom);
        Assert.Null(_seats.Execute(Reserve("call-3"), fromSharedQueue: true));
        Assert.Null(_seats.Execute(Attach("call-3"), fromSharedQueue: true));
        Assert.Equal(CallCommandReplyStatus.Unavailable, _seats.Execute(Attach("call-3"), fromSharedQueue: false)!.Status);
        Assert.Equal(2, _runner.Capacity.Active);
    }

    [Fact]
    public void The_attach_of_a_call_with_a_seat_fills_that_seat_even_when_the_replica_is_otherwise_full()
    {
        _seats.Execute(Reserve("call-1"), fromSharedQueue: true);
        _seats.Execute(Reserve("call-2"), fromSharedQueue: true);

        var attached = _seats.Execute(Attach("call-1"), fromSharedQueue: false);

        Assert.Equal(CallCommandReplyStatus.Done, attached!.Status);
        Assert.NotNull(_runner.Running("call-1"));
    }

    [Fact]
    public void A_replica_whose_own_queue_is_not_listened_to_takes_no_seat()
    {
        _replica.SetListening(false);

        Assert.False(_seats.HasRoom);
        Assert.Null(_seats.Execute(Reserve("call-1"), fromSharedQueue: true));
        Assert.Equal(0, _runner.Capacity.Active);
    }

    [Fact]
    public async Task A_draining_replica_takes_no_seat()
    {
        // No call runs, so the drain returns at once; from then on the replica is draining.
        await _app.Services.GetRequiredService<ActiveCalls>().DrainAsync(TimeSpan.FromSeconds(1), _time, default);

        Assert.False(_seats.HasRoom);
        Assert.Null(_seats.Execute(Reserve("call-1"), fromSharedQueue: true));
        Assert.Equal(CallCommandReplyStatus.Unavailable, _seats.Execute(Attach("call-1"), fromSharedQueue: false)!.Status);
    }

    [Theory]
    [InlineData("call-1", "rtc_1/../../admin")]
    [InlineData("bad call id/..", SipCallId)]
    public void Malformed_ids_are_answered_invalid_and_take_nothing(string callId, string sipCallId)
    {
        var reply = _seats.Execute(Attach(callId, sipCallId), fromSharedQueue: true);

        Assert.Equal(CallCommandReplyStatus.Invalid, reply!.Status);
        Assert.Equal(0, _runner.Capacity.Active);
    }

    [Fact]
    public async Task The_shared_queue_listener_releases_what_it_declines_and_answers_and_deletes_what_it_takes()
    {
        var inbox = new FakeCommandInbox();
        var replies = new InMemoryCallCommandReplies();
        using var listener = new SipQueueListener(inbox, replies, _seats, _replica, Options.Create(new SipSidebandOptions { MaxCalls = 2 }),
            Options.Create(new CallCommandQueueOptions()), _time, NullLogger<SipQueueListener>.Instance);
        _seats.Execute(Reserve("call-1"), fromSharedQueue: true);
        var expected = _replica.CommandExpected;

        var taken = Reserve("call-2");
        var takenId = inbox.Add(taken.ToJson());
        Assert.True(await listener.ReceiveOneAsync(inbox, default));

        Assert.Equal("dvs-cmd-replica-a", replies.Replies[taken.Id].Queue);
        Assert.Equal([takenId], inbox.Deleted);
        // The attach is on its way to this replica's own queue: its listener is told to look now.
        Assert.True(expected.IsCompleted);

        var declined = Reserve("call-3");
        var declinedId = inbox.Add(declined.ToJson());
        Assert.True(await listener.ReceiveOneAsync(inbox, default));

        Assert.False(replies.Replies.ContainsKey(declined.Id));
        Assert.Equal([declinedId], inbox.Released);
        Assert.DoesNotContain(declinedId, inbox.Deleted);
    }
}
