namespace DvServerless.Functions.Tenants;

/// <summary>
/// Decides at the door which tenant an incoming call belongs to and whether it may be answered. Used by
/// <c>IncomingCallService</c> (ACS: reject with reason <c>busy</c>) and meant for the SIP path too (reject with
/// <see cref="IncomingCallAdmission.SipStatusCode"/>, 486). Call it before creating the call's session.
/// </summary>
public interface ICallAdmissionPolicy
{
    /// <summary>
    /// Decides for call <paramref name="callId"/> (the gateway's session id) to <paramref name="calledParty"/> (ACS raw id
    /// <c>4:+…</c>, E.164, <c>tel:</c> or <c>sip:</c> URI); an admitted call counts against its tenant from now on.
    /// </summary>
    ValueTask<IncomingCallAdmission> AdmitAsync(string? calledParty, string? callId = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Decides for call <paramref name="callId"/> whose tenant is already known from trusted data (e.g. the webhook secret
    /// that verified it): <paramref name="tenantId"/>, or null for a call of no tenant, which falls under the unrouted
    /// limit. An admitted call counts against its tenant from now on.
    /// </summary>
    ValueTask<IncomingCallAdmission> AdmitTenantAsync(string? tenantId, string? callId = null, CancellationToken cancellationToken = default);
}
