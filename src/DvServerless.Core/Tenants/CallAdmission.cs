namespace DvServerless.Core.Tenants;

/// <summary>The outcome of <see cref="CallCapacityPolicy"/> for one incoming call.</summary>
/// <param name="Admitted">Whether the call may be answered.</param>
/// <param name="ActiveCalls">The tenant's calls in progress before this one.</param>
/// <param name="Limit">The tenant's limit; null when unlimited.</param>
public readonly record struct CallAdmission(bool Admitted, int ActiveCalls, int? Limit)
{
    /// <summary>The SIP status a refused call is rejected with: 486 Busy Here (ACS reject reason <c>busy</c>).</summary>
    public const int BusySipStatus = 486;
}
