namespace DvServerless.Core.Tenants;

/// <summary>
/// Decides at the door whether a tenant may take one more call: admitted while its active (non-final) sessions are
/// below <see cref="TenantDefinition.MaxConcurrentCalls"/>; otherwise the call is rejected as busy (SIP 486,
/// ACS reject reason <c>busy</c>). Because the count comes from session state, calls that ended, failed, or whose
/// worker died stop counting without any decrement.
/// </summary>
/// <remarks>
/// On one instance the check is exact: admissions of limited tenants are taken one at a time, and an admitted call is
/// reserved with the counter (<see cref="IActiveCallCounter.Reserve"/>) so that it counts before its session is stored.
/// Across instances the check and the session creation are still not one atomic step: calls for the same tenant that
/// arrive at different instances within the counter's cache period (one second for the Blob counter) may see the same
/// count. Call the policy before creating the session of the new call.
/// </remarks>
public sealed class CallCapacityPolicy : IDisposable
{
    private readonly IActiveCallCounter _counter;
    private readonly SemaphoreSlim _admitting = new(1, 1);

    /// <summary>Creates the policy over <paramref name="counter"/>.</summary>
    public CallCapacityPolicy(IActiveCallCounter counter)
    {
        ArgumentNullException.ThrowIfNull(counter);
        _counter = counter;
    }

    /// <summary>Releases the admission lock; the counter is not owned and stays as it is.</summary>
    public void Dispose() => _admitting.Dispose();

    /// <summary>
    /// The key under which <see cref="IActiveCallCounter"/> counts the active calls of no tenant. Never a valid tenant id
    /// (<see cref="TenantIds.IsValid"/> requires a letter or digit first), so it cannot collide with one.
    /// </summary>
    public const string UnroutedCounterKey = "*unrouted";

    /// <summary>
    /// Decides for call <paramref name="callId"/> to <paramref name="tenant"/>; an unlimited tenant is admitted without
    /// counting. An admitted call with an id is reserved, so that it counts against the next admission at once.
    /// </summary>
    public ValueTask<CallAdmission> AdmitAsync(TenantDefinition tenant, string? callId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        return tenant.MaxConcurrentCalls is null
            ? ValueTask.FromResult(new CallAdmission(true, 0, null))
            : AdmitCountedAsync(tenant.Id, tenant.MaxConcurrentCalls.Value, callId, cancellationToken);
    }

    /// <summary>
    /// Decides for call <paramref name="callId"/> that matches no tenant: admitted while fewer than
    /// <paramref name="limit"/> such calls are active (counted under <see cref="UnroutedCounterKey"/>); a limit of 0
    /// refuses every one.
    /// </summary>
    public ValueTask<CallAdmission> AdmitUnroutedAsync(int limit, string? callId = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        return limit == 0
            ? ValueTask.FromResult(new CallAdmission(false, 0, 0))
            : AdmitCountedAsync(UnroutedCounterKey, limit, callId, cancellationToken);
    }

    private async ValueTask<CallAdmission> AdmitCountedAsync(string counterKey, int limit, string? callId, CancellationToken cancellationToken)
    {
        // Count and reserve as one step: two calls admitted at once here would otherwise both see the same count.
        await _admitting.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var active = await _counter.CountActiveAsync(counterKey, cancellationToken).ConfigureAwait(false);
            var decision = Decide(limit, active);
            if (decision.Admitted && callId is not null)
            {
                _counter.Reserve(counterKey, callId);
            }

            return decision;
        }
        finally
        {
            _admitting.Release();
        }
    }

    /// <summary>The pure rule: admitted when <paramref name="limit"/> is null (or not positive) or <paramref name="activeCalls"/> is below it.</summary>
    public static CallAdmission Decide(int? limit, int activeCalls)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(activeCalls);
        var effective = limit is > 0 ? limit : null;
        return new CallAdmission(effective is null || activeCalls < effective, activeCalls, effective);
    }
}
