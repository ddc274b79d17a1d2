using DvServerless.Core.Tenants;

namespace DvServerless.Functions.Tenants;

/// <summary>The outcome of <see cref="ICallAdmissionPolicy.AdmitAsync"/>.</summary>
/// <param name="TenantId">The tenant the called number or URI routes to; null when none matches (the call then belongs to the admin only).</param>
/// <param name="Admitted">Whether the call may be answered.</param>
/// <param name="ActiveCalls">The tenant's calls in progress before this one (0 when not counted).</param>
/// <param name="Limit">The tenant's concurrent-call limit; null when unlimited.</param>
public sealed record IncomingCallAdmission(string? TenantId, bool Admitted, int ActiveCalls, int? Limit)
{
    /// <summary>The reason recorded on the session of a call refused for capacity.</summary>
    public const string CapacityReason = "rejected: capacity";

    /// <summary>An admitted call without a tenant.</summary>
    public static IncomingCallAdmission AdmittedWithoutTenant { get; } = new(null, true, 0, null);

    /// <summary>The SIP status to reject a refused call with (486 Busy Here); null when admitted.</summary>
    public int? SipStatusCode => Admitted ? null : CallAdmission.BusySipStatus;
}
