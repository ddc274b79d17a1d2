using System.Collections.Concurrent;
using DvServerless.Adapters.Engines.Realtime;
using DvServerless.Core.Calls;
using DvServerless.Core.Tenants;

namespace DvServerless.Adapters.OpenAI.Calls;

/// <summary>
/// The OpenAI project a SIP call lives in: the project whose webhook announced it. A call verified by a tenant's own
/// webhook secret is accepted, rejected, hung up (<see cref="For"/>) and steered over its sideband
/// (<see cref="SettingsFor"/>) with that tenant's own key (<c>Tenants:Items:N:OpenAIApiKey</c>) on the gateway's Realtime
/// endpoint; every other call uses the gateway's settings. The Functions app records the verifying tenant on the session
/// (<see cref="SessionMetadataKey"/>), where the worker reads it. One client per tenant, made on first use.
/// </summary>
public sealed class TenantRealtimeProjects
{
    private readonly IRealtimeCallControl _gateway;
    private readonly RealtimeEngineOptions _realtime;
    private readonly TenantDirectory? _tenants;
    private readonly Func<RealtimeEngineOptions, IRealtimeCallControl> _create;
    private readonly ConcurrentDictionary<string, IRealtimeCallControl> _byTenant = new(StringComparer.Ordinal);

    /// <summary>
    /// Creates the directory: <paramref name="gateway"/> for calls of no tenant (or of a tenant without its own key),
    /// <paramref name="create"/> to make a client for a tenant's settings (the gateway's <paramref name="realtime"/>
    /// settings with the tenant's key).
    /// </summary>
    public TenantRealtimeProjects(
        IRealtimeCallControl gateway, RealtimeEngineOptions realtime, TenantDirectory? tenants, Func<RealtimeEngineOptions, IRealtimeCallControl> create)
    {
        ArgumentNullException.ThrowIfNull(gateway);
        ArgumentNullException.ThrowIfNull(realtime);
        ArgumentNullException.ThrowIfNull(create);
        _gateway = gateway;
        _realtime = realtime;
        _tenants = tenants;
        _create = create;
    }

    /// <summary>The session metadata key holding the tenant whose webhook secret verified the call (absent: the gateway's).</summary>
    public const string SessionMetadataKey = CallOwner.ProjectTenantMetadataKey;

    /// <summary>
    /// The Realtime settings for a call of <paramref name="verifiedTenantId"/>'s project: the gateway's, with the tenant's
    /// key when it has one.
    /// </summary>
    public RealtimeEngineOptions SettingsFor(string? verifiedTenantId) =>
        _tenants?.FindById(verifiedTenantId)?.OpenAIApiKey is { } key ? _realtime.WithProjectKey(key) : _realtime;

    /// <summary>
    /// The call control for a call whose webhook <paramref name="verifiedTenantId"/>'s secret verified (null: the
    /// gateway's secret). Never chosen from caller-controlled data such as the <c>To</c> header.
    /// </summary>
    public IRealtimeCallControl For(string? verifiedTenantId)
    {
        var tenant = _tenants?.FindById(verifiedTenantId);
        if (tenant?.OpenAIApiKey is not { } key)
        {
            return _gateway;
        }

        return _byTenant.GetOrAdd(tenant.Id, _ => _create(_realtime.WithProjectKey(key)));
    }
}
