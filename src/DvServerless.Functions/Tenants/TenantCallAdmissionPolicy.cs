using System.Diagnostics.Metrics;
using DvServerless.Core.Privacy;
using DvServerless.Core.Tenants;

namespace DvServerless.Functions.Tenants;

/// <summary>
/// The tenant-aware <see cref="ICallAdmissionPolicy"/>: the called party (ACS) or trusted data (SIP) picks the tenant
/// (<see cref="TenantDirectory.FindByCalledParty"/>); a tenant at its concurrent-call limit, counted from session state by
/// <see cref="CallCapacityPolicy"/>, gets the call refused. When tenants are configured, calls that match no tenant are
/// admitted without a tenant (visible to the admin only) while fewer than <see cref="TenantDirectory.UnroutedMaxConcurrentCalls"/>
/// of them are in progress; without tenants (single-tenant) every call is admitted. Refusals are counted in the metric <c>dvs.calls.rejected</c> (tag <c>tenant</c>,
/// <c>reason=capacity</c>) and logged.
/// </summary>
public sealed partial class TenantCallAdmissionPolicy : ICallAdmissionPolicy, IDisposable
{
    /// <summary>The meter name.</summary>
    public const string MeterName = "DvServerless.Functions.Tenants";

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
    public ValueTask<IncomingCallAdmission> AdmitAsync(string? calledParty, string? callId = null, CancellationToken cancellationToken = default)
    {
        var tenant = _directory.FindByCalledParty(calledParty);
        if (tenant is null && _directory.HasTenants && _logger.IsEnabled(LogLevel.Information))
        {
            var maskedCalledParty = PiiMasker.Mask(calledParty ?? "-");
            LogUnrouted(maskedCalledParty);
        }

        return AdmitAsync(tenant, callId, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<IncomingCallAdmission> AdmitTenantAsync(string? tenantId, string? callId = null, CancellationToken cancellationToken = default)
    {
        var tenant = _directory.FindById(tenantId);
        if (tenant is null && tenantId is not null)
        {
            // Trusted data named a tenant that is not configured (only possible through a wiring mistake): treat it as none.
            LogUnknownTenant(tenantId);
        }

        return AdmitAsync(tenant, callId, cancellationToken);
    }

    private async ValueTask<IncomingCallAdmission> AdmitAsync(TenantDefinition? tenant, string? callId, CancellationToken cancellationToken)
    {
        if (tenant is null)
        {
            if (!_directory.HasTenants)
            {
                // Single-tenant: every call is the operator's own.
                return IncomingCallAdmission.AdmittedWithoutTenant;
            }

            var unrouted = await _capacity.AdmitUnroutedAsync(_directory.UnroutedMaxConcurrentCalls, callId, cancellationToken).ConfigureAwait(false);
            if (!unrouted.Admitted)
            {
                _rejected.Add(1, new KeyValuePair<string, object?>("tenant", "(none)"), new KeyValuePair<string, object?>("reason", "capacity"));
                LogUnroutedRejected(unrouted.ActiveCalls, unrouted.Limit ?? 0);
            }

            return new IncomingCallAdmission(null, unrouted.Admitted, unrouted.ActiveCalls, unrouted.Limit);
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

    [LoggerMessage(EventId = 3612, Level = LogLevel.Information, Message = "Call to {CalledParty} matches no tenant; it falls under the unrouted limit.")]
    private partial void LogUnrouted(string calledParty);

    [LoggerMessage(EventId = 3613, Level = LogLevel.Warning, Message = "Call of no tenant refused: {ActiveCalls} such calls in progress, limit {Limit} (Tenants:UnroutedMaxConcurrentCalls).")]
    private partial void LogUnroutedRejected(int activeCalls, int limit);

    [LoggerMessage(EventId = 3614, Level = LogLevel.Error, Message = "Call admitted for tenant {TenantId}, which is not configured; treated as a call of no tenant.")]
    private partial void LogUnknownTenant(string tenantId);
}
