using System.Runtime.CompilerServices;
using DvServerless.Core.Calls;
using DvServerless.Testing;

namespace DvServerless.Functions.Tests.Fakes;

/// <summary>
/// <see cref="ICallSessionQuery"/> over an <see cref="InMemoryCallSessionStore"/>, as the Blob index would answer it: every
/// session that is not final, last written at its <see cref="CallSession.UpdatedAt"/>. <see cref="Stale"/> entries are
/// listed as well, as an index that has not caught up with their documents would list them.
/// </summary>
internal sealed class StoreOpenSessions : ICallSessionQuery
{
    private readonly InMemoryCallSessionStore _store;

    public StoreOpenSessions(InMemoryCallSessionStore store) => _store = store;

    /// <summary>Index entries listed in place of their documents' own.</summary>
    public Dictionary<string, OpenCallSession> Stale { get; } = new(StringComparer.Ordinal);

    public Task<IReadOnlyList<CallSession>> ListAsync(string? tenantId, int limit, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<CallSession>>(_store.Sessions()
            .Where(s => tenantId is null || s.TenantId == tenantId)
            .OrderByDescending(s => s.CreatedAt)
            .Take(limit)
            .ToList());

    public async IAsyncEnumerable<OpenCallSession> ListOpenAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        foreach (var session in _store.Sessions())
        {
            if (Stale.TryGetValue(session.CallId, out var stale))
            {
                yield return stale;
            }
            else if (!CallStateMachine.IsFinal(session.State))
            {
                yield return new OpenCallSession(session.CallId, session.TenantId, session.State, session.UpdatedAt);
            }
        }
    }
}
