using System.Collections.Concurrent;
using DvServerless.Adapters.Commands;

namespace DvServerless.MediaWorker.Tests.Fakes;

/// <summary>Command replies in memory; can be told to fail the next writes, as storage would.</summary>
internal sealed class InMemoryCallCommandReplies : ICallCommandReplies
{
    public ConcurrentDictionary<string, CallCommandReplyDocument> Replies { get; } = new();

    public int FailNextWrites { get; set; }

    public Task WriteAsync(string commandId, CallCommandReplyDocument reply, CancellationToken cancellationToken)
    {
        if (FailNextWrites > 0)
        {
            FailNextWrites--;
            throw new IOException("storage write failed");
        }

        Replies[commandId] = reply;
        return Task.CompletedTask;
    }

    public Task<CallCommandReplyDocument?> TryReadAsync(string commandId, CancellationToken cancellationToken) =>
        Task.FromResult(Replies.TryGetValue(commandId, out var reply) ? reply : null);
}
