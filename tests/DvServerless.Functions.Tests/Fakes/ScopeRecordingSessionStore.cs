using System.Collections.Concurrent;
using DvServerless.Adapters.Storage;
using DvServerless.Core.Calls;

namespace DvServerless.Functions.Tests.Fakes;

/// <summary>
/// A session store that records, for each write, whether it ran on a request's budget (<see cref="InteractiveStorageScope"/>
/// active) or as background work that waits for storage; reads and writes go to <paramref name="inner"/>.
/// </summary>
internal sealed class ScopeRecordingSessionStore(ICallSessionStore inner) : ICallSessionStore
{
    /// <summary>Each write in order: "create" or "update", and whether it ran on the request's budget.</summary>
    public ConcurrentQueue<(string Write, bool OnBudget)> Writes { get; } = new();

    public Task<bool> TryCreateAsync(CallSession session, CancellationToken cancellationToken = default)
    {
        Writes.Enqueue(("create", InteractiveStorageScope.IsActive));
        return inner.TryCreateAsync(session, cancellationToken);
    }

    public Task<CallSession?> GetAsync(string callId, CancellationToken cancellationToken = default) => inner.GetAsync(callId, cancellationToken);

    public Task<CallSession?> UpdateAsync(string callId, Func<CallSession, bool> mutate, CancellationToken cancellationToken = default)
    {
        Writes.Enqueue(("update", InteractiveStorageScope.IsActive));
        return inner.UpdateAsync(callId, mutate, cancellationToken);
    }
}
