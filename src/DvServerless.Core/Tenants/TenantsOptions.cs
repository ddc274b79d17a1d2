namespace DvServerless.Core.Tenants;

/// <summary>
/// Tenants, the admin key and the API rate limit (configuration section <c>Tenants</c>). Example app settings:
/// <c>Tenants__Items__0__Id=acme</c>, <c>Tenants__Items__0__ApiKeyHash=…</c>, <c>Tenants__Items__0__MaxConcurrentCalls=10</c>,
/// <c>Tenants__Items__0__PhoneNumbers__0=+14255550123</c>, <c>Tenants__AdminKeyHash=…</c>,
/// <c>Tenants__RateLimitPerMinute=300</c>. The familiar flat settings <c>TENANT_CREDENTIALS</c>,
/// <c>TENANT_LIMITS</c> and <c>GW_RATE_LIMIT_RPM</c> are merged in by <see cref="TenantEnvironmentSettings"/>.
/// With no tenants configured the gateway runs single-tenant (the apps decide whether APIs then need the admin key).
/// </summary>
public sealed class TenantsOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Tenants";

    /// <summary>The default per-tenant request limit.</summary>
    public const int DefaultRateLimitPerMinute = 300;

    /// <summary>
    /// The shortest API key (tenant or admin) accepted in clear. A key is the only secret between the internet and a
    /// tenant's data, and <see cref="ApiKeyHasher"/> uses one fast hash: a short key could be guessed.
    /// </summary>
    public const int MinApiKeyLength = 24;

    /// <summary>The default of <see cref="UnroutedMaxConcurrentCalls"/>.</summary>
    public const int DefaultUnroutedMaxConcurrentCalls = 2;

    /// <summary>The tenants.</summary>
    public List<TenantOptions> Items { get; set; } = [];

    /// <summary>The <see cref="ApiKeyHasher"/> hash of the admin key.</summary>
    public string? AdminKeyHash { get; set; }

    /// <summary>The admin key in clear (e.g. from Key Vault); hashed at load and cleared, never kept.</summary>
    public string? AdminKey { get; set; }

    /// <summary>API requests one tenant may make per minute (fixed window) before getting 429.</summary>
    public int RateLimitPerMinute { get; set; } = DefaultRateLimitPerMinute;

    /// <summary>
    /// When tenants are configured: how many calls that match no tenant may be in progress at once
    /// (<c>Tenants__UnroutedMaxConcurrentCalls</c>); more are refused as busy (SIP 486). 0 refuses every unrouted call.
    /// Small by default: an unrouted call belongs to nobody's limit. Without tenants (single-tenant) it does not apply.
    /// </summary>
    public int UnroutedMaxConcurrentCalls { get; set; } = DefaultUnroutedMaxConcurrentCalls;

    /// <summary>
    /// Checks the settings and returns every problem found, in words fit for a start-up error (never containing a
    /// key). Empty when the settings are usable.
    /// </summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (RateLimitPerMinute < 1)
        {
            errors.Add("Tenants:RateLimitPerMinute must be at least 1.");
        }

        if (AdminKeyHash is not null && AdminKeyHash.Length > 0 && !ApiKeyHasher.IsHash(AdminKeyHash))
        {
            errors.Add("Tenants:AdminKeyHash must be 64 hex characters (ApiKeyHasher.Hash of the admin key).");
        }

        if (string.IsNullOrEmpty(AdminKeyHash) && AdminKey is { Length: > 0 } adminKey && adminKey.Length < MinApiKeyLength)
        {
            errors.Add($"Tenants:AdminKey is {adminKey.Length} characters; an API key must be at least {MinApiKeyLength}.");
        }

        if (UnroutedMaxConcurrentCalls < 0)
        {
            errors.Add("Tenants:UnroutedMaxConcurrentCalls must not be negative (0 refuses every call that matches no tenant).");
        }

        var ids = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var webhookSecrets = new Dictionary<string, string>(StringComparer.Ordinal);
        var routes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < Items.Count; i++)
        {
            var tenant = Items[i];
            var name = $"Tenants:Items:{i}";
            if (!TenantIds.IsValid(tenant.Id))
            {
                errors.Add($"{name}:Id must be 1–64 letters, digits, '-' or '_', starting with a letter or digit.");
                continue;
            }

            if (TenantIds.IsReserved(tenant.Id))
            {
                errors.Add($"{name}:Id '{tenant.Id}' is reserved (it stands for work no tenant owns); choose another tenant id.");
                continue;
            }

            var setting = name;
            name = $"tenant '{tenant.Id}'";
            if (!ids.Add(tenant.Id!))
            {
                errors.Add($"{name} is configured twice.");
            }

            var hasHash = !string.IsNullOrEmpty(tenant.ApiKeyHash);
            if (hasHash && !ApiKeyHasher.IsHash(tenant.ApiKeyHash))
            {
                errors.Add($"{name}: ApiKeyHash must be 64 hex characters (ApiKeyHasher.Hash of the key).");
            }
            else if (!hasHash && string.IsNullOrEmpty(tenant.ApiKey))
            {
                errors.Add($"{name} has no ApiKeyHash or ApiKey.");
            }
            else if (!hasHash && tenant.ApiKey!.Length < MinApiKeyLength)
            {
                errors.Add($"{name}: {setting}:ApiKey is {tenant.ApiKey.Length} characters; an API key must be at least {MinApiKeyLength}.");
            }

            if (tenant.MaxConcurrentCalls is < 0)
            {
                errors.Add($"{name}: MaxConcurrentCalls must not be negative (0 or empty means no limit).");
            }

            if (!string.IsNullOrEmpty(tenant.OpenAIWebhookSecret)
                && !webhookSecrets.TryAdd(tenant.OpenAIWebhookSecret, tenant.Id!) && webhookSecrets[tenant.OpenAIWebhookSecret] != tenant.Id)
            {
                // The secret names the tenant; shared, it could name either.
                errors.Add($"{name}: OpenAIWebhookSecret is the same as tenant '{webhookSecrets[tenant.OpenAIWebhookSecret]}'s.");
            }

            if (!string.IsNullOrEmpty(tenant.OpenAIApiKey) && string.IsNullOrEmpty(tenant.OpenAIWebhookSecret))
            {
                errors.Add($"{name}: OpenAIApiKey needs OpenAIWebhookSecret (the webhook of the same OpenAI project).");
            }

            foreach (var number in tenant.PhoneNumbers)
            {
                var normalized = CalledPartyAddress.NormalizePhoneNumber(number);
                if (normalized is null)
                {
                    errors.Add($"{name}: a phone number is not in E.164 form (+ and 7–15 digits).");
                }
                else if (!routes.TryAdd(normalized, tenant.Id!) && routes[normalized] != tenant.Id)
                {
                    errors.Add($"{name}: a phone number is already routed to tenant '{routes[normalized]}'.");
                }
            }

            foreach (var uri in tenant.SipUris)
            {
                var normalized = CalledPartyAddress.NormalizeSipUri(uri);
                if (normalized is null)
                {
                    errors.Add($"{name}: a SIP URI is not of the form sip:user@host.");
                }
                else if (!routes.TryAdd(normalized, tenant.Id!) && routes[normalized] != tenant.Id)
                {
                    errors.Add($"{name}: a SIP URI is already routed to tenant '{routes[normalized]}'.");
                }
            }
        }

        return errors;
    }
}
