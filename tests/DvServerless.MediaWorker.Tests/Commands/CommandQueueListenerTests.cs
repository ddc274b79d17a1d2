using DvServerless.Adapters.Commands;
using DvServerless.Core.Audio;
using DvServerless.Core.Calls;
using DvServerless.MediaWorker.Calls;
using DvServerless.MediaWorker.Commands;
using DvServerless.MediaWorker.Say;
using DvServerless.MediaWorker.Tests.Calls;
using DvServerless.MediaWorker.Tests.Fakes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace DvServerless.MediaWorker.Tests.Commands;

/// <summary>
/// A replica's queue listener: a command reaches the live call through the same code as the HTTP route and its answer
/// is left for the Functions app; expired and poison messages are dropped unexecuted; a lost answer does not make a
/// say heard twice; stopping deletes the queue.
/// </summary>
public sealed class CommandQueueListenerTests : IAsyncDisposable
{
    private static readonly TimeSpan Safety = TimeSpan.FromSeconds(10);

    private readonly CallLoopHarness _call = new(legFormat: AudioFormat.Pcm24k);
    private readonly LiveCalls _calls = new();
    private readonly IDisposable _registration;
    private readonly FakeCommandInbox _inbox = new();
    private readonly InMemoryCallCommandReplies _replies = new();
    private readonly CountingSpeech _speech = new();
    private readonly WorkerReplica _replica = new("worker-a");
    private readonly CommandQueueListener _listener;

    public CommandQueueListenerTests()
    {
        _registration = _calls.Register(new LiveCall("call-1", "acme", CallChannel.Acs, _call.Loop));
        var services = new ServiceCollection().AddSingleton<ICallSpeech>(_speech).BuildServiceProvider();
        _listener = new CommandQueueListener(_inbox, _replies, new LiveCallCommands(_calls, services), _replica,
            Options.Create(new CallCommandQueueOptions { MaxDequeueCount = 3 }), _call.Time, NullLogger<CommandQueueListener>.Instance);
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Dispose();
        _registration.Dispose();
        await _call.DisposeAsync();
    }

    private CallCommandMessage Command(string action, string callId = "call-1", TimeSpan? expiresIn = null, string? text = null) =>
        new(CallCommandMessage.NewId(), callId, action, _call.Time.GetUtcNow() + (expiresIn ?? TimeSpan.FromSeconds(5)), Text: text);

    [Fact]
    public async Task A_command_for_a_live_call_is_carried_out_answered_done_and_deleted()
    {
        await _call.SettleAsync();
        var command = Command("comfort-start");
        var id = _inbox.Add(command.ToJson());

        await _listener.HandleAsync(_inbox.Deliver(id), default);
        await _call.AdvanceAsync(100);

        Assert.True(_call.Loop.ComfortNoisePlaying);
        var reply = _replies.Replies[command.Id];
        Assert.Equal((CallCommandReplyStatus.Done, "worker-a"), (reply.Status, reply.Replica));
        Assert.Equal([id], _inbox.Deleted);
    }

    [Fact]
    public async Task A_command_for_a_call_this_replica_does_not_hold_is_answered_not_live()
    {
        var command = Command("interrupt", callId: "call-elsewhere");
        var id = _inbox.Add(command.ToJson());

        await _listener.HandleAsync(_inbox.Deliver(id), default);

        Assert.Equal(CallCommandReplyStatus.NotLive, _replies.Replies[command.Id].Status);
        Assert.Equal([id], _inbox.Deleted);
    }

    [Fact]
    public async Task Bad_fields_and_unknown_actions_are_answered_invalid_and_change_nothing()
    {
        var emptySay = Command("say", text: "  ");
        var unknown = Command("dance");
        var first = _inbox.Add(emptySay.ToJson());
        var second = _inbox.Add(unknown.ToJson());

        await _listener.HandleAsync(_inbox.Deliver(first), default);
        await _listener.HandleAsync(_inbox.Deliver(second), default);

        Assert.Equal(CallCommandReplyStatus.Invalid, _replies.Replies[emptySay.Id].Status);
        Assert.Equal(CallCommandReplyStatus.Invalid, _replies.Replies[unknown.Id].Status);
        Assert.Empty(_speech.Texts);
    }

    [Fact]
    public async Task An_expired_command_is_dropped_without_being_carried_out_or_answered()
    {
        await _call.SettleAsync();
        var command = Command("comfort-start", expiresIn: TimeSpan.FromSeconds(5));
        var id = _inbox.Add(command.ToJson());
        _call.Time.Advance(TimeSpan.FromSeconds(5));

        await _listener.HandleAsync(_inbox.Deliver(id), default);
        await _call.AdvanceAsync(100);

        Assert.False(_call.Loop.ComfortNoisePlaying);
        Assert.Empty(_replies.Replies);
        Assert.Equal([id], _inbox.Deleted);
    }

    [Fact]
    public async Task A_message_received_too_often_or_unreadable_is_poison_and_dropped_unexecuted()
    {
        var command = Command("say", text: "Hello.");
        var often = _inbox.Add(command.ToJson(), dequeuedBefore: 3);
        var garbage = _inbox.Add("{not json");
        var notACommand = _inbox.Add("{\"id\":\"x\",\"callId\":\"call-1\",\"action\":\"say\"}");

        await _listener.HandleAsync(_inbox.Deliver(often), default);
        await _listener.HandleAsync(_inbox.Deliver(garbage), default);
        await _listener.HandleAsync(_inbox.Deliver(notACommand), default);

        Assert.Empty(_speech.Texts);
        Assert.Empty(_replies.Replies);
        Assert.Equal([often, garbage, notACommand], _inbox.Deleted);
    }

    [Fact]
    public async Task When_the_answer_cannot_be_stored_the_message_stays_and_its_redelivery_is_answered_without_speaking_twice()
    {
        await _call.SettleAsync();
        var command = Command("say", text: "Your order shipped.");
        var id = _inbox.Add(command.ToJson());
        _replies.FailNextWrites = 1;

        await _listener.HandleAsync(_inbox.Deliver(id), default);
        Assert.Empty(_inbox.Deleted);
        Assert.Equal(1, _inbox.PendingCount);

        await _listener.HandleAsync(_inbox.Deliver(id), default);

        Assert.Equal(["Your order shipped."], _speech.Texts);
        Assert.Equal(CallCommandReplyStatus.Done, _replies.Replies[command.Id].Status);
        Assert.Equal([id], _inbox.Deleted);
    }

    [Fact]
    public async Task Running_it_creates_the_queue_before_calls_may_record_it_polls_it_and_stopping_deletes_it()
    {
        _inbox.CreateFailures = 1;
        await _listener.StartAsync(default);
        Assert.Null(_replica.ReadyQueue);

        // Storage was down at the first create: the retry comes after a backoff on the replica's clock.
        await UntilAsync(() => _inbox.Created, () => _call.Time.Advance(TimeSpan.FromMilliseconds(200)));
        await UntilAsync(() => _replica.ReadyQueue is not null);
        Assert.Equal(_replica.QueueName, _replica.ReadyQueue);

        var command = Command("interrupt");
        _inbox.Add(command.ToJson());
        // However long the queue has been idle, the next receive comes within the longest poll interval.
        await UntilAsync(() => _replies.Replies.ContainsKey(command.Id), () => _call.Time.Advance(new CallCommandQueueOptions().MaxPollInterval));

        await _listener.StopAsync(default).WaitAsync(Safety);

        Assert.Equal(CallCommandReplyStatus.Done, _replies.Replies[command.Id].Status);
        Assert.True(_inbox.QueueDeleted);
        Assert.Null(_replica.ReadyQueue);
    }

    [Fact]
    public async Task Without_a_queue_service_it_does_nothing_and_calls_record_no_queue()
    {
        using var listener = new CommandQueueListener(null, _replies, new LiveCallCommands(_calls, new ServiceCollection().BuildServiceProvider()), _replica,
            Options.Create(new CallCommandQueueOptions()), _call.Time, NullLogger<CommandQueueListener>.Instance);

        await listener.StartAsync(default);
        await listener.StopAsync(default).WaitAsync(Safety);

        Assert.Null(_replica.ReadyQueue);
    }

    /// <summary>Waits (in real time, bounded) until <paramref name="done"/>, doing <paramref name="step"/> between looks.</summary>
    private static async Task UntilAsync(Func<bool> done, Action? step = null)
    {
        var deadline = DateTime.UtcNow + Safety;
        while (!done())
        {
            Assert.True(DateTime.UtcNow < deadline, "The listener did not get there.");
            step?.Invoke();
            await Task.Delay(5);
        }
    }

    private sealed class CountingSpeech : ICallSpeech
    {
        public List<string> Texts { get; } = [];

        public Task<byte[]> SpeakAsync(string tenantId, string? agentId, string text, string? voice, AudioFormat legFormat, CancellationToken cancellationToken)
        {
            lock (Texts)
            {
                Texts.Add(text);
            }

            return Task.FromResult(new byte[legFormat.BytesPerMillisecond * 100]);
        }
    }
}
