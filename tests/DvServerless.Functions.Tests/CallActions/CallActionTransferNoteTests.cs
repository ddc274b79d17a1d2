using Azure;
using DvServerless.Adapters.Acs;
using DvServerless.Adapters.CallActions;
using DvServerless.Adapters.Commands;
using DvServerless.Core.Calls;
using DvServerless.Core.Security;
using DvServerless.Functions.CallActions;
using DvServerless.Functions.CallCommands;
using DvServerless.Functions.Hosting;
using DvServerless.Functions.Tests.CallCommands;
using DvServerless.Functions.Tests.Fakes;
using DvServerless.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace DvServerless.Functions.Tests.CallActions;

/// <summary>
/// The transfer tool told the model "being transferred": when the transfer cannot happen, the agent of the live call is
/// told so (a <c>note</c> command with the app's own text, to the call's replica), instead of leaving the caller waiting.
/// </summary>
public sealed class CallActionTransferNoteTests
{
    private readonly InMemoryCallSessionStore _sessions = new();
    private readonly RecordingCallAutomation _acs = new();
    private readonly AcsOptions _options = new() { TransferTarget = "+14255550123" };
    private readonly RecordingCallCommandClient _worker = new();

    private CallActionService Service(ICallCommandClient? worker = null) => new(_sessions, _acs, Options.Create(_options), NullLogger<CallActionService>.Instance,
        new CallAgentNotes(worker ?? _worker, NullLogger<CallAgentNotes>.Instance));

    private async Task AddAsync(string callId = "call-1", CallState state = CallState.Connected, string? queue = null) =>
        Assert.True(await _sessions.TryCreateAsync(new CallSession
        {
            CallId = callId, Channel = CallChannel.Acs, CallConnectionId = "conn-1", TenantId = "contoso", State = state, WorkerQueue = queue,
        }));

    private static CallActionMessage Transfer(string callId = "call-1") => new(callId, CallActionKind.Transfer, "wants a person", "contoso");

    [Fact]
    public async Task A_refused_transfer_sends_the_note_on_the_queue_of_the_replica_that_holds_the_call()
    {
        _options.TransferTarget = null;
        await AddAsync(queue: "dvs-cmd-replica-b");
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 9, 0, 0, TimeSpan.Zero));
        var queues = new FakeCommandQueues();
        var replies = new FakeCommandReplies();
        queues.OnSend = m => replies.Put(m.Id, new CallCommandReplyDocument(CallCommandReplyStatus.Done, null, "replica-b"));
        var workerOptions = Options.Create(new MediaWorkerOptions { CommandTimeout = TimeSpan.FromSeconds(5) });
        var routed = new RoutedCallCommandClient(
            new QueuedCallCommandClient(new QueuedCommandExchange(queues, replies, Options.Create(new CallCommandQueueOptions()), time), workerOptions, time),
            new MediaWorkerCallCommandClient(new HttpClient(), MediaTokenService.FromConfiguredKey(new string('k', 32), time), workerOptions, time));

        var outcome = await Service(routed).ExecuteAsync(Transfer(), default);

        Assert.Equal(CallActionOutcome.NoTransferTarget, outcome);
        Assert.Empty(_acs.Requests);
        var (queue, message, _) = Assert.Single(queues.Sent);
        Assert.Equal(("dvs-cmd-replica-b", "call-1", "note", TransferNotes.NotPossible), (queue, message.CallId, message.Action, message.Text));
    }

    [Fact]
    public async Task The_note_carries_no_phone_number_and_nothing_from_the_request()
    {
        _options.TransferTarget = null;
        await AddAsync();

        await Service().ExecuteAsync(Transfer(), default);

        var (callId, command) = Assert.Single(_worker.Sent);
        Assert.Equal(("call-1", CallCommandKind.Note, "note"), (callId, command.Kind, command.Action));
        Assert.DoesNotContain("wants a person", command.Text, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"\d{4}", command.Text!);
    }

    [Fact]
    public async Task A_transfer_asked_for_another_tenants_call_tells_that_agent_nothing()
    {
        _options.TransferTarget = null;
        await AddAsync();

        var outcome = await Service().ExecuteAsync(new CallActionMessage("call-1", CallActionKind.Transfer, "wants a person", "fabrikam"), default);

        Assert.Equal(CallActionOutcome.TenantMismatch, outcome);
        Assert.Empty(_worker.Sent);
        Assert.Empty(_acs.Requests);
    }

    [Fact]
    public async Task A_transfer_acs_takes_tells_the_agent_nothing()
    {
        await AddAsync();

        Assert.Equal(CallActionOutcome.Done, await Service().ExecuteAsync(Transfer(), default));

        Assert.Empty(_worker.Sent);
    }

    [Fact]
    public async Task A_refused_hang_up_and_a_transfer_of_an_ended_call_tell_nobody()
    {
        _options.TransferTarget = null;
        await AddAsync();
        await AddAsync("call-ended", CallState.Ended);

        await Service().ExecuteAsync(new CallActionMessage("call-1", CallActionKind.HangUp, "bye", "fabrikam"), default);
        await Service().ExecuteAsync(Transfer("call-ended"), default);
        await Service().ExecuteAsync(Transfer("call-unknown"), default);

        Assert.Empty(_worker.Sent);
    }

    [Fact]
    public async Task An_acs_failure_tells_the_agent_only_once_the_last_delivery_failed_too()
    {
        await AddAsync();
        _acs.Failure = new RequestFailedException(500, "boom");
        var handler = new CallActionQueueHandler(Service(), NullLogger<CallActionQueueHandler>.Instance);
        var text = Transfer().ToJson();

        // Earlier deliveries come back: ACS may take it yet, and the agent has nothing to say yet.
        for (var delivery = 1; delivery < CallActionQueueDefaults.MaxDequeueCount; delivery++)
        {
            Assert.False(await handler.HandleAsync(text, delivery, default));
        }

        Assert.Empty(_worker.Sent);

        // The last one is done with: the agent hears the transfer failed.
        Assert.True(await handler.HandleAsync(text, CallActionQueueDefaults.MaxDequeueCount, default));
        var (_, command) = Assert.Single(_worker.Sent);
        Assert.Equal((CallCommandKind.Note, TransferNotes.Failed), (command.Kind, command.Text));
    }
}
