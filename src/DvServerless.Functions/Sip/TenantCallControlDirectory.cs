using System.Collections.Concurrent;
using DvServerless.Adapters.Engines.Realtime;
using DvServerless.Adapters.OpenAI.Calls;
using DvServerless.Core.Tenants;

namespace DvServerless.Functions.Sip;

/// <summary>
/// The call control to use for a SIP call: a call lives in the OpenAI project whose webhook announced it, so a call
/// verified by a tenant's own webhook secret is accepted, rejected and hung up with that tenant's own key
/// (<c>Tenants:Items:N:OpenAIApiKey</c>), on the gateway's Realtime endpoint; every other call uses the gateway's client.
/// One client per tenant, made on first use.
/// </summary>
public sealed class TenantCallControlDirectory
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
    public TenantCallControlDirectory(
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

        return _byTenant.GetOrAdd(tenant.Id, _ => _create(SettingsWithKey(key)));
    }

    private RealtimeEngineOptions SettingsWithKey(string key) => new()
    {
        Service = _realtime.Service,
        BaseUrl = _realtime.BaseUrl,
        ApiKey = key,
        // The tenant's key stands for its project; the gateway's Entra identity does not.
        Credential = null,
        SessionStartTimeout = _realtime.SessionStartTimeout,
        MaxOutputTokens = _realtime.MaxOutputTokens,
    };
}
