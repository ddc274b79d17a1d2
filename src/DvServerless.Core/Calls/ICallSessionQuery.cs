namespace DvServerless.Core.Calls;

/// <summary>
/// Lists stored call sessions, for the sessions API (<c>GET /api/v1/sessions</c>) that dashboards and CRMs use. Kept apart
/// from <see cref="ICallSessionStore"/> because listing is a scan that the call path never needs.
/// </summary>
public interface ICallSessionQuery
{
    /// <summary>
    /// The sessions of <paramref name="tenantId"/> (every session when null), newest first, at most <paramref name="limit"/>.
    /// </summary>
    Task<IReadOnlyList<CallSession>> ListAsync(string? tenantId, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Every session of every tenant that is not <c>ended</c> or <c>failed</c>, from the store's open-session index: the
    /// cost follows the number of open sessions, not of sessions stored, and no document is opened. In no order.
    /// </summary>
    IAsyncEnumerable<OpenCallSession> ListOpenAsync(CancellationToken cancellationToken = default);
}
