namespace DvServerless.Core.Calls;

/// <summary>Durable store of <see cref="CallSession"/> documents, one per call, with optimistic concurrency.</summary>
public interface ICallSessionStore
{
    /// <summary>Creates the document; returns false (and changes nothing) when one with the same id exists.</summary>
    Task<bool> TryCreateAsync(CallSession session, CancellationToken cancellationToken = default);

    /// <summary>Reads a document, or null when there is none.</summary>
    Task<CallSession?> GetAsync(string callId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads, mutates and writes back a document, retrying on concurrent writes (ETag). <paramref name="mutate"/>
    /// may run more than once and returns false when it changed nothing (then nothing is written).
    /// Returns the stored document after the update, or null when there is no such document.
    /// </summary>
    Task<CallSession?> UpdateAsync(string callId, Func<CallSession, bool> mutate, CancellationToken cancellationToken = default);
}
