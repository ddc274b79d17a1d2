namespace DvServerless.Core.Tenants;

/// <summary>
/// Decides at the door whether a tenant may take one more call: admitted while its active (non-final) sessions are
/// below <see cref="TenantDefinition.MaxConcurrentCalls"/>; otherwise the call is rejected as busy (SIP 486,
/// ACS reject reason <c>busy</c>). Because the count comes from session state, calls that ended, failed, or whose
/// worker died stop counting without any decrement.
/// </summary>
/// <remarks>
/// The check and the session creation are not one atomic step: calls arriving for the same tenant within the
/// counter's cache period (one second for the Blob counter) may all see the same count, so the limit can be exceeded
/// by the number of such simultaneous arrivals. Call the policy before creating the session of the new call.
/// </remarks>
public sealed class CallCapacityPolicy
{
    private readonly IActiveCallCounter _counter;

    /// <summary>Creates the policy over <paramref name="counter"/>.</summary>
    public CallCapacityPolicy(IActiveCallCounter counter)
    {
        ArgumentNullException.ThrowIfNull(counter);
        _counter = counter;
    }

    /// <summary>Decides for a call to <paramref name="tenant"/>; an unlimited tenant is admitted without counting.</summary>
    public async ValueTask<CallAdmission> AdmitAsync(TenantDefinition tenant, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        if (tenant.MaxConcurrentCalls is null)
        {
            return new CallAdmission(true, 0, null);
        }

        var active = await _counter.CountActiveAsync(tenant.Id, cancellationToken).ConfigureAwait(false);
        return Decide(tenant.MaxConcurrentCalls, active);
    }

    /// <summary>The pure rule: admitted when <paramref name="limit"/> is null (or not positive) or <paramref name="activeCalls"/> is below it.</summary>
    public static CallAdmission Decide(int? limit, int activeCalls)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(activeCalls);
        var effective = limit is > 0 ? limit : null;
        return new CallAdmission(effective is null || activeCalls < effective, activeCalls, effective);
    }
}
