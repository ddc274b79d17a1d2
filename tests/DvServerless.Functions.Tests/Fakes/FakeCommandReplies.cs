using System.Collections.Concurrent;
using DvServerless.Adapters.Commands;

namespace DvServerless.Functions.Tests.Fakes;

/// <summary>The replies store in memory.</summary>
internal sealed class FakeCommandReplies : ICallCommandReplies
{
    private readonly ConcurrentDictionary<string, CallCommandReplyDocument> _replies = new();

    public void Put(string id, CallCommandReplyDocument reply) => _replies[id] = reply;

    public Task WriteAsync(string commandId, CallCommandReplyDocument reply, CancellationToken cancellationToken)
    {
        Put(commandId, reply);
        return Task.CompletedTask;
    }

    public Task<CallCommandReplyDocument?> TryReadAsync(string commandId, CancellationToken cancellationToken) =>
        Task.FromResult(_replies.TryGetValue(commandId, out var reply) ? reply : null);
}
