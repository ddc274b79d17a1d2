using DvServerless.Core.Calls;
using DvServerless.Testing;

namespace DvServerless.MediaWorker.Tests.Fakes;

/// <summary>The in-memory store, whose reads fail (as past the storage client's retries) while <see cref="FailReads"/> is set.</summary>
internal sealed class ReadFailingSessionStore : ICallSessionStore
{
    private readonly InMemoryCallSessionStore _inner = new();

    public bool FailReads { get; set; }

    public Task<bool> TryCreateAsync(CallSession session, CancellationToken cancellationToken = default) => _inner.TryCreateAsync(session, cancellationToken);

    public Task<CallSession?> GetAsync(string callId, CancellationToken cancellationToken = default) =>
        FailReads ? Task.FromException<CallSession?>(new TimeoutException("storage did not answer")) : _inner.GetAsync(callId, cancellationToken);

    public Task<CallSession?> UpdateAsync(string callId, Func<CallSession, bool> mutate, CancellationToken cancellationToken = default) =>
        _inner.UpdateAsync(callId, mutate, cancellationToken);
}
