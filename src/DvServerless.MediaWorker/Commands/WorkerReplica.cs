using DvServerless.Core.Hosting;
using Microsoft.Extensions.Configuration;

namespace DvServerless.MediaWorker.Commands;

/// <summary>
/// This worker replica as the Functions app addresses it: its name (<c>CONTAINER_APP_REPLICA_NAME</c> in Azure
/// Container Apps, a generated <c>local-…</c> id elsewhere) and the Storage queue derived from it, which is
/// <see cref="ReadyQueue"/> once <see cref="CommandQueueListener"/> has created it.
/// </summary>
public sealed class WorkerReplica
{
    /// <summary>The variable Container Apps sets to the replica's name.</summary>
    public const string ReplicaNameVariable = "CONTAINER_APP_REPLICA_NAME";

    private volatile string? _readyQueue;
    private TaskCompletionSource _commandExpected = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Names the replica after <c>CONTAINER_APP_REPLICA_NAME</c>, or a fresh local id.</summary>
    public WorkerReplica(IConfiguration configuration)
        : this(configuration?[ReplicaNameVariable] is { Length: > 0 } name ? name : ReplicaQueueName.NewLocalReplicaName())
    {
    }

    /// <summary>Names the replica <paramref name="name"/>.</summary>
    public WorkerReplica(string name)
    {
        Name = name;
        QueueName = ReplicaQueueName.Of(name);
    }

    /// <summary>The replica's name.</summary>
    public string Name { get; }

    /// <summary>Its command queue's name.</summary>
    public string QueueName { get; }

    /// <summary>The queue, once it exists and is listened to; null before (commands then come over HTTP).</summary>
    public string? ReadyQueue => _readyQueue;

    /// <summary>Marks the queue as listened to (or no longer, with false).</summary>
    public void SetListening(bool listening) => _readyQueue = listening ? QueueName : null;

    /// <summary>Completes when <see cref="ExpectCommand"/> is next called (read it before waiting on it).</summary>
    public Task CommandExpected => Volatile.Read(ref _commandExpected).Task;

    /// <summary>
    /// Tells the command listener that a command is on its way to this replica's queue (a SIP seat was just taken here and
    /// its attach follows): it stops backing off and looks at once, so the attach does not wait out an idle poll interval.
    /// </summary>
    public void ExpectCommand() =>
        Interlocked.Exchange(ref _commandExpected, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
