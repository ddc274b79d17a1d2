using System.Globalization;

namespace DvServerless.Core.Tenants;

/// <summary>
/// Accepts the familiar flat settings as they are and merges them into <see cref="TenantsOptions"/>:
/// <list type="bullet">
/// <item><c>TENANT_CREDENTIALS="acme:KEY1,contoso:KEY2"</c> — comma-separated <c>tenant:apiKey</c> pairs; the key is
/// everything after the first <c>:</c> (so it may contain <c>:</c> but not <c>,</c>); whitespace around items is ignored.
/// The key is hashed at load like <see cref="TenantOptions.ApiKey"/> and must be at least
/// <see cref="TenantsOptions.MinApiKeyLength"/> characters.</item>
/// <item><c>TENANT_LIMITS="acme:10,contoso:20"</c> — comma-separated <c>tenant:maxConcurrentCalls</c>.</item>
/// <item><c>GW_RATE_LIMIT_RPM=300</c> — <see cref="TenantsOptions.RateLimitPerMinute"/>.</item>
/// </list>
/// A flat setting wins over the same value from the <c>Tenants</c> section. A malformed setting throws a
/// <see cref="FormatException"/> naming the setting and the item number, never the key.
/// </summary>
public static class TenantEnvironmentSettings
{
    /// <summary>The setting holding <c>tenant:apiKey</c> pairs.</summary>
    public const string CredentialsSetting = "TENANT_CREDENTIALS";

    /// <summary>The setting holding <c>tenant:limit</c> pairs.</summary>
    public const string LimitsSetting = "TENANT_LIMITS";

    /// <summary>The setting holding the per-tenant request limit per minute.</summary>
    public const string RateLimitSetting = "GW_RATE_LIMIT_RPM";

    /// <summary>
    /// Reads the flat settings through <paramref name="readSetting"/> (e.g. <c>name =&gt; configuration[name]</c>) and
    /// merges them into <paramref name="options"/>.
    /// </summary>
    public static void ApplyTo(TenantsOptions options, Func<string, string?> readSetting)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(readSetting);

        foreach (var (tenantId, apiKey) in Pairs(readSetting(CredentialsSetting), CredentialsSetting))
        {
            if (apiKey.Length == 0)
            {
                throw new FormatException($"{CredentialsSetting}: tenant '{tenantId}' has an empty key.");
            }

            if (apiKey.Length < TenantsOptions.MinApiKeyLength)
            {
                throw new FormatException(
                    $"{CredentialsSetting}: the key of tenant '{tenantId}' is {apiKey.Length} characters; an API key must be at least {TenantsOptions.MinApiKeyLength}.");
            }

            var tenant = FindOrAdd(options, tenantId);
            tenant.ApiKey = apiKey;
            tenant.ApiKeyHash = null;
        }

        foreach (var (tenantId, value) in Pairs(readSetting(LimitsSetting), LimitsSetting))
        {
            if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var limit))
            {
                throw new FormatException($"{LimitsSetting}: the limit of tenant '{tenantId}' is not a whole number.");
            }

            FindOrAdd(options, tenantId).MaxConcurrentCalls = limit;
        }

        var rpm = readSetting(RateLimitSetting);
        if (!string.IsNullOrWhiteSpace(rpm))
        {
            if (!int.TryParse(rpm.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var perMinute) || perMinute < 1)
            {
                throw new FormatException($"{RateLimitSetting} must be a whole number of requests per minute, at least 1.");
            }

            options.RateLimitPerMinute = perMinute;
        }
    }

    private static TenantOptions FindOrAdd(TenantsOptions options, string tenantId)
    {
        var tenant = options.Items.Find(t => string.Equals(t.Id, tenantId, StringComparison.Ordinal));
        if (tenant is null)
        {
            tenant = new TenantOptions { Id = tenantId };
            options.Items.Add(tenant);
        }

        return tenant;
    }

    private static IEnumerable<(string TenantId, string Value)> Pairs(string? setting, string name)
    {
        if (string.IsNullOrWhiteSpace(setting))
        {
            yield break;
        }

        var items = setting.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < items.Length; i++)
        {
            var colon = items[i].IndexOf(':');
            var tenantId = colon > 0 ? items[i][..colon].Trim() : null;
            if (tenantId is null || !TenantIds.IsValid(tenantId))
            {
                // Never echo the item: in TENANT_CREDENTIALS it holds a key.
                throw new FormatException($"{name}: item {i + 1} is not of the form tenant:value with a valid tenant id.");
            }

            yield return (tenantId, items[i][(colon + 1)..].Trim());
        }
    }
}
