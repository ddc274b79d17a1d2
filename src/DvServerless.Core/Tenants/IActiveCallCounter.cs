namespace DvServerless.Core.Tenants;

/// <summary>
/// Counts a tenant's calls that are not over yet, from the stored session state (not from in-memory counters that a
/// dead worker would leave wrong), for <see cref="CallCapacityPolicy"/>. Sessions of no tenant are counted under
/// <see cref="CallCapacityPolicy.UnroutedCounterKey"/>.
/// </summary>
public interface IActiveCallCounter
{
    /// <summary>
    /// The number of sessions of <paramref name="tenantId"/> in a non-final state, plus the calls reserved here whose
    /// session the count does not show yet.
    /// </summary>
    ValueTask<int> CountActiveAsync(string tenantId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Counts <paramref name="callId"/>, just admitted here, for <paramref name="tenantId"/> until the stored sessions show
    /// it (or a bounded time passes, when its session is never written), so that calls admitted moments apart on this
    /// instance do not all see the same count.
    /// </summary>
    void Reserve(string tenantId, string callId);
}
