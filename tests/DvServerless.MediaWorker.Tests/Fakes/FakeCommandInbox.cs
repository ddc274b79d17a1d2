using System.Threading.Channels;
using DvServerless.Adapters.Commands;

namespace DvServerless.MediaWorker.Tests.Fakes;

/// <summary>An in-memory replica queue: messages come back with a growing dequeue count until deleted; every receive is signalled.</summary>
internal sealed class FakeCommandInbox : IReplicaCommandInbox
{
    private readonly object _gate = new();
    private readonly List<(string Id, string Text, long Dequeues)> _pending = [];
    private int _next;

    public string Name => "dvs-cmd-test";

    /// <summary>How many times <see cref="CreateAsync"/> fails before it succeeds.</summary>
    public int CreateFailures { get; set; }

    public bool Created { get; private set; }

    public bool QueueDeleted { get; private set; }

    public List<string> Deleted { get; } = [];

    public List<string> Released { get; } = [];

    /// <summary>One item per receive (the number of messages it returned).</summary>
    public Channel<int> Receives { get; } = Channel.CreateUnbounded<int>();

    public string Add(string text, long dequeuedBefore = 0)
    {
        lock (_gate)
        {
            var id = "m" + (++_next);
            _pending.Add((id, text, dequeuedBefore));
            return id;
        }
    }

    public int PendingCount
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count;
            }
        }
    }

    public Task CreateAsync(CancellationToken cancellationToken)
    {
        if (CreateFailures > 0)
        {
            CreateFailures--;
            throw new InvalidOperationException("storage is down");
        }

        Created = true;
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<QueuedCommand>> ReceiveAsync(int maxMessages, TimeSpan visibilityTimeout, CancellationToken cancellationToken)
    {
        List<QueuedCommand> taken;
        lock (_gate)
        {
            taken = [];
            for (var i = 0; i < _pending.Count && taken.Count < maxMessages; i++)
            {
                var (id, text, dequeues) = _pending[i];
                _pending[i] = (id, text, dequeues + 1);
                taken.Add(new QueuedCommand(id, "pop-" + id, text, dequeues + 1));
            }
        }

        Receives.Writer.TryWrite(taken.Count);
        return Task.FromResult<IReadOnlyList<QueuedCommand>>(taken);
    }

    /// <summary>A message as the next receive would hand it out (for calling the handler directly).</summary>
    public QueuedCommand Deliver(string id)
    {
        lock (_gate)
        {
            var index = _pending.FindIndex(p => p.Id == id);
            var (_, text, dequeues) = _pending[index];
            _pending[index] = (id, text, dequeues + 1);
            return new QueuedCommand(id, "pop-" + id, text, dequeues + 1);
        }
    }

    public Task DeleteAsync(QueuedCommand message, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _pending.RemoveAll(p => p.Id == message.MessageId);
            Deleted.Add(message.MessageId);
        }

        return Task.CompletedTask;
    }

    public Task ReleaseAsync(QueuedCommand message, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Released.Add(message.MessageId);
        }

        return Task.CompletedTask;
    }

    public Task DeleteQueueAsync(CancellationToken cancellationToken)
    {
        QueueDeleted = true;
        return Task.CompletedTask;
    }
}
