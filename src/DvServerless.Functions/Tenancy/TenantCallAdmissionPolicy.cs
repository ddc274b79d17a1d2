using System.Diagnostics.Metrics;
using DvServerless.Core.Privacy;
using DvServerless.Core.Tenants;

namespace DvServerless.Functions.Tenancy;

/// <summary>
/// The tenant-aware <see cref="ICallAdmissionPolicy"/>: the called party picks the tenant
/// (<see cref="TenantDirectory.FindByCalledParty"/>); a tenant at its concurrent-call limit, counted from session state by
/// <see cref="CallCapacityPolicy"/>, gets the call refused. Calls to numbers no tenant claims are admitted without a
/// tenant (visible to the admin only). Refusals are counted in the metric <c>dvs.calls.rejected</c> (tag <c>tenant</c>,
/// <c>reason=capacity</c>) and logged.
/// </summary>
public sealed partial class TenantCallAdmissionPolicy : ICallAdmissionPolicy, IDisposable
{
    /// <summary>The meter name.</summary>
    public const string MeterName = "DvServerless.Functions.Tenancy";

    private readonly TenantDirectory _directory;
    private readonly CallCapacityPolicy _capacity;
    private readonly ILogger<TenantCallAdmissionPolicy> _logger;
    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _rejected;

    /// <summary>Creates the policy.</summary>
    public TenantCallAdmissionPolicy(TenantDirectory directory, CallCapacityPolicy capacity, ILogger<TenantCallAdmissionPolicy> logger)
    {
        _directory = directory;
        _capacity = capacity;
        _logger = logger;
        _rejected = _meter.CreateCounter<long>("dvs.calls.rejected", description: "Incoming calls refused at the door.");
    }

    /// <inheritdoc />
    public async ValueTask<IncomingCallAdmission> AdmitAsync(string? calledParty, string? callId = null, CancellationToken cancellationToken = default)
    {
        var tenant = _directory.FindByCalledParty(calledParty);
        if (tenant is null)
        {
            if (_directory.HasTenants)
            {
                LogUnrouted(PiiMasker.Mask(calledParty ?? "-"));
            }

            return IncomingCallAdmission.AdmittedWithoutTenant;
        }

        var decision = await _capacity.AdmitAsync(tenant, callId, cancellationToken).ConfigureAwait(false);
        if (!decision.Admitted)
        {
            _rejected.Add(1, new KeyValuePair<string, object?>("tenant", tenant.Id), new KeyValuePair<string, object?>("reason", "capacity"));
            LogRejected(tenant.Id, decision.ActiveCalls, decision.Limit ?? 0);
        }

        return new IncomingCallAdmission(tenant.Id, decision.Admitted, decision.ActiveCalls, decision.Limit);
    }

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();

    [LoggerMessage(EventId = 3611, Level = LogLevel.Warning, Message = "Call for tenant {TenantId} refused: {ActiveCalls} calls in progress, limit {Limit}.")]
    private partial void LogRejected(string tenantId, int activeCalls, int limit);

    [LoggerMessage(EventId = 3612, Level = LogLevel.Information, Message = "Call to {CalledParty} matches no tenant; admitted without a tenant.")]
    private partial void LogUnrouted(string calledParty);
}
