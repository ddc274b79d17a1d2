using Azure;
using DvServerless.Adapters.Acs;
using DvServerless.Adapters.CallActions;
using DvServerless.Adapters.Commands;
using DvServerless.Core.Calls;
using DvServerless.Functions.CallActions;
using DvServerless.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace DvServerless.Functions.Tests.CallActions;

/// <summary>
/// The standalone stand-in for the queue trigger keeps the host's rules: a message handled (done, refused or poison) is
/// deleted, one that failed stays for its visibility timeout to bring it back, and the poller never waits long.
/// </summary>
public sealed class StandaloneCallActionPollerTests
{
    [Fact]
    public async Task Handled_and_poison_messages_are_deleted_and_a_failed_one_is_left_to_come_back()
    {
        var sessions = new InMemoryCallSessionStore();
        await sessions.TryCreateAsync(new CallSession { CallId = "call-ok", CallConnectionId = "conn-ok", State = CallState.Connected });
        await sessions.TryCreateAsync(new CallSession { CallId = "call-failing", CallConnectionId = "conn-failing", State = CallState.Connected });
        var acs = new RecordingCallAutomation { Failure = new RequestFailedException(503, "unavailable"), FailingConnection = "conn-failing" };
        var handler = new CallActionQueueHandler(new CallActionService(sessions, acs, Options.Create(new AcsOptions()), NullLogger<CallActionService>.Instance),
            NullLogger<CallActionQueueHandler>.Instance);
        var inbox = new ListInbox(
            new QueuedCommand("m1", "r1", new CallActionMessage("call-ok", CallActionKind.HangUp).ToJson(), 1),
            new QueuedCommand("m2", "r2", "not json", 1),
            new QueuedCommand("m3", "r3", new CallActionMessage("call-failing", CallActionKind.HangUp).ToJson(), 1),
            new QueuedCommand("m4", "r4", new CallActionMessage("call-unknown", CallActionKind.HangUp).ToJson(), 1));
        var poller = new StandaloneCallActionPoller(inbox, handler, new FakeTimeProvider(), NullLogger<StandaloneCallActionPoller>.Instance);

        Assert.Equal(4, await poller.ReceiveOnceAsync(inbox, default));

        Assert.Equal(["m1", "m2", "m4"], inbox.Deleted.Order(StringComparer.Ordinal));
        Assert.Equal(["terminate conn-ok"], acs.Requests);
        Assert.Equal(CallActionQueueDefaults.VisibilityTimeout, inbox.Visibility);
        Assert.Equal(0, await poller.ReceiveOnceAsync(inbox, default));
        Assert.True(StandaloneCallActionPoller.IdlePollInterval <= TimeSpan.FromMilliseconds(500));
    }

    private sealed class ListInbox(params QueuedCommand[] messages) : IReplicaCommandInbox
    {
        private readonly Queue<QueuedCommand> _messages = new(messages);

        public List<string> Deleted { get; } = [];

        public TimeSpan Visibility { get; private set; }

        public string Name => CallActionQueueDefaults.Name;

        public Task CreateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<IReadOnlyList<QueuedCommand>> ReceiveAsync(int maxMessages, TimeSpan visibilityTimeout, CancellationToken cancellationToken)
        {
            Visibility = visibilityTimeout;
            var batch = new List<QueuedCommand>();
            while (batch.Count < maxMessages && _messages.TryDequeue(out var message))
            {
                batch.Add(message);
            }

            return Task.FromResult<IReadOnlyList<QueuedCommand>>(batch);
        }

        public Task DeleteAsync(QueuedCommand message, CancellationToken cancellationToken)
        {
            lock (Deleted)
            {
                Deleted.Add(message.MessageId);
            }

            return Task.CompletedTask;
        }

        public Task ReleaseAsync(QueuedCommand message, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task DeleteQueueAsync(CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
