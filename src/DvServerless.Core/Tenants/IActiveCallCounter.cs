namespace DvServerless.Core.Tenants;

/// <summary>
/// Counts a tenant's calls that are not over yet, from the stored session state (not from in-memory counters that a
/// dead worker would leave wrong), for <see cref="CallCapacityPolicy"/>.
/// </summary>
public interface IActiveCallCounter
{
    /// <summary>The number of sessions of <paramref name="tenantId"/> in a non-final state.</summary>
    ValueTask<int> CountActiveAsync(string tenantId, CancellationToken cancellationToken = default);
}
