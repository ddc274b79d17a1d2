namespace DvServerless.Core.Tenants;

/// <summary>
/// The configured tenants at run time: resolves the tenant of an API key, of a called number or SIP URI, and
/// recognises the admin key. Built once from <see cref="TenantsOptions"/>; clear-text keys in the options are hashed
/// and then cleared from the options object so that they are not kept in memory longer than needed.
/// </summary>
public sealed class TenantDirectory
{
    private readonly TenantDefinition[] _tenants;
    private readonly Dictionary<string, TenantDefinition> _byId;
    private readonly Dictionary<string, TenantDefinition> _byRoute;
    private readonly string? _adminKeyHash;

    /// <summary>Builds the directory; throws <see cref="ArgumentException"/> listing the problems when the options are invalid.</summary>
    public TenantDirectory(TenantsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid tenant settings: " + string.Join(" ", errors), nameof(options));
        }

        _tenants = new TenantDefinition[options.Items.Count];
        _byId = new(StringComparer.Ordinal);
        _byRoute = new(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < options.Items.Count; i++)
        {
            var item = options.Items[i];
            var definition = new TenantDefinition
            {
                Id = item.Id!,
                ApiKeyHash = string.IsNullOrEmpty(item.ApiKeyHash) ? ApiKeyHasher.Hash(item.ApiKey!) : item.ApiKeyHash.ToLowerInvariant(),
                MaxConcurrentCalls = item.MaxConcurrentCalls is > 0 ? item.MaxConcurrentCalls : null,
                PhoneNumbers = item.PhoneNumbers.Select(n => CalledPartyAddress.NormalizePhoneNumber(n)!).ToArray(),
                SipUris = item.SipUris.Select(u => CalledPartyAddress.NormalizeSipUri(u)!).ToArray(),
                OpenAIWebhookSecret = string.IsNullOrEmpty(item.OpenAIWebhookSecret) ? null : item.OpenAIWebhookSecret,
                OpenAIApiKey = string.IsNullOrEmpty(item.OpenAIApiKey) ? null : item.OpenAIApiKey,
            };
            item.ApiKey = null;
            _tenants[i] = definition;
            _byId[definition.Id] = definition;
            foreach (var route in definition.PhoneNumbers.Concat(definition.SipUris))
            {
                _byRoute[route] = definition;
            }
        }

        _adminKeyHash = !string.IsNullOrEmpty(options.AdminKeyHash) ? options.AdminKeyHash.ToLowerInvariant()
            : !string.IsNullOrEmpty(options.AdminKey) ? ApiKeyHasher.Hash(options.AdminKey) : null;
        options.AdminKey = null;
        RateLimitPerMinute = options.RateLimitPerMinute;
        UnroutedMaxConcurrentCalls = options.UnroutedMaxConcurrentCalls;
        TenantsWithOpenAIWebhookSecret = _tenants.Where(t => t.OpenAIWebhookSecret is not null).ToArray();
    }

    /// <summary>Every tenant, in configuration order.</summary>
    public IReadOnlyList<TenantDefinition> Tenants => _tenants;

    /// <summary>Whether any tenant is configured (otherwise the gateway runs single-tenant).</summary>
    public bool HasTenants => _tenants.Length > 0;

    /// <summary>Whether an admin key is configured.</summary>
    public bool HasAdminKey => _adminKeyHash is not null;

    /// <summary>API requests one tenant may make per minute.</summary>
    public int RateLimitPerMinute { get; }

    /// <summary>How many calls that match no tenant may be in progress at once (applies only when <see cref="HasTenants"/>).</summary>
    public int UnroutedMaxConcurrentCalls { get; }

    /// <summary>The tenants that bring their own OpenAI project webhook, in configuration order.</summary>
    public IReadOnlyList<TenantDefinition> TenantsWithOpenAIWebhookSecret { get; }

    /// <summary>The tenant with id <paramref name="tenantId"/>, or null.</summary>
    public TenantDefinition? FindById(string? tenantId) =>
        tenantId is not null && _byId.TryGetValue(tenantId, out var tenant) ? tenant : null;

    /// <summary>
    /// The tenant whose API key is <paramref name="apiKey"/>, or null. Every tenant's hash is compared in constant
    /// time and the loop never stops early, so the time taken says nothing about which tenant (if any) matched.
    /// </summary>
    public TenantDefinition? FindByApiKey(string? apiKey)
    {
        if (string.IsNullOrEmpty(apiKey))
        {
            return null;
        }

        var hash = ApiKeyHasher.Hash(apiKey);
        TenantDefinition? found = null;
        foreach (var tenant in _tenants)
        {
            if (ApiKeyHasher.HashesEqual(hash, tenant.ApiKeyHash))
            {
                found = tenant;
            }
        }

        return found;
    }

    /// <summary>Whether <paramref name="key"/> is the admin key (constant-time comparison; false when none is configured).</summary>
    public bool IsAdminKey(string? key) =>
        _adminKeyHash is not null && ApiKeyHasher.Verify(key, _adminKeyHash);

    /// <summary>
    /// The caller an API key stands for: the admin for the admin key, a tenant for its key, null for anything else.
    /// </summary>
    public TenantCaller? Authenticate(string? apiKey)
    {
        if (string.IsNullOrEmpty(apiKey))
        {
            return null;
        }

        // Both checks always run so the admin key takes no measurably different path.
        var isAdmin = IsAdminKey(apiKey);
        var tenant = FindByApiKey(apiKey);
        return isAdmin ? TenantCaller.Admin : tenant is null ? null : TenantCaller.ForTenant(tenant.Id);
    }

    /// <summary>
    /// The tenant an incoming call to <paramref name="calledParty"/> belongs to: matched on the SIP URI first, then
    /// on the E.164 number (raw id <c>4:+…</c>, <c>tel:</c>, plain, or the user part of a SIP URI). Null when none matches.
    /// </summary>
    public TenantDefinition? FindByCalledParty(string? calledParty)
    {
        if (string.IsNullOrWhiteSpace(calledParty) || _byRoute.Count == 0)
        {
            return null;
        }

        var sip = CalledPartyAddress.NormalizeSipUri(calledParty);
        if (sip is not null && _byRoute.TryGetValue(sip, out var bySip))
        {
            return bySip;
        }

        var number = CalledPartyAddress.NormalizePhoneNumber(calledParty) ?? CalledPartyAddress.PhoneNumberOfSipUri(calledParty);
        return number is not null && _byRoute.TryGetValue(number, out var byNumber) ? byNumber : null;
    }
}
