namespace DvServerless.Functions.Tenants;

/// <summary>The <see cref="ICallAdmissionPolicy"/> used when tenancy is not wired in: every call is admitted, without a tenant.</summary>
public sealed class AdmitAllCallsPolicy : ICallAdmissionPolicy
{
    /// <summary>The shared instance.</summary>
    public static AdmitAllCallsPolicy Instance { get; } = new();

    /// <inheritdoc />
    public ValueTask<IncomingCallAdmission> AdmitAsync(string? calledParty, string? callId = null, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(IncomingCallAdmission.AdmittedWithoutTenant);

    /// <inheritdoc />
    public ValueTask<IncomingCallAdmission> AdmitTenantAsync(string? tenantId, string? callId = null, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(new IncomingCallAdmission(tenantId, true, 0, null));
}
