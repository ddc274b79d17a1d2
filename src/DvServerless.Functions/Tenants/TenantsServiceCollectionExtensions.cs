using Azure.Storage.Blobs;
using DvServerless.Adapters.Acs.Security;
using DvServerless.Adapters.Storage;
using DvServerless.Adapters.Tenants;
using DvServerless.Core.Calls;
using DvServerless.Core.Tenants;
using Microsoft.Extensions.DependencyInjection.Extensions;
using DvServerless.Functions.Calls;
using Microsoft.Extensions.Options;

namespace DvServerless.Functions.Tenants;

/// <summary>Registers tenants, API tokens, rate limits, audit, call admission and webhook authentication.</summary>
public static class TenantsServiceCollectionExtensions
{
    /// <summary>
    /// The public development signing key of API tokens, used only when <c>Tenants:Tokens:SigningKey</c> is not set and the
    /// app does not run in Azure (no <c>WEBSITE_SITE_NAME</c>). Anyone can read it here, so tokens signed with it protect nothing.
    /// </summary>
    public const string LocalDevelopmentTokenSigningKey = "dvserverless-local-development-api-token-signing-key";

    /// <summary>
    /// Registers: <see cref="TenantDirectory"/> (section <c>Tenants</c> plus <c>TENANT_CREDENTIALS</c>, <c>TENANT_LIMITS</c>,
    /// <c>GW_RATE_LIMIT_RPM</c>, checked at start-up), <see cref="TenantTokenService"/> (<c>Tenants:Tokens</c>),
    /// <see cref="TenantRateLimiter"/> over Blob counters (container <c>ratelimits</c>), <see cref="IAuditLog"/> on Blob
    /// (container <c>audit</c>), <see cref="ICallSessionQuery"/>, <see cref="CallCapacityPolicy"/> over
    /// <see cref="BlobActiveCallCounter"/>, <see cref="ICallAdmissionPolicy"/>, <see cref="ITenantContext"/> and the webhook
    /// settings (<c>EventGrid</c>, <c>Acs:CallbackAuth</c>). Needs the storage registrations (<c>AddDvServerlessStorage</c>).
    /// </summary>
    public static IServiceCollection AddTenants(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        // Read when used, not now: hosts and tests add configuration sources after the services are registered.
        bool InAzure() => !string.IsNullOrEmpty(configuration["WEBSITE_SITE_NAME"]);

        services.AddTenantDirectory(configuration);

        services.AddOptions<TenantTokenOptions>()
            .Bind(configuration.GetSection(TenantTokenOptions.SectionName))
            .PostConfigure(options =>
            {
                if (string.IsNullOrWhiteSpace(options.SigningKey) && !InAzure())
                {
                    options.SigningKey = LocalDevelopmentTokenSigningKey;
                }
            })
            .Validate(options => !InAzure() || (!string.IsNullOrWhiteSpace(options.SigningKey) && options.SigningKey != LocalDevelopmentTokenSigningKey)
                    || !HasCredentials(configuration),
                "Tenants:Tokens:SigningKey must be set to a secret (base64 of at least 32 bytes, e.g. from Key Vault) in Azure.")
            .Validate(options => options.Lifetime > TimeSpan.Zero && options.Lifetime <= TimeSpan.FromHours(24), "Tenants:Tokens:Lifetime must be between 00:00:01 and 1.00:00:00.")
            .ValidateOnStart();
        services.TryAddSingleton(provider => new TenantTokenService(
            WithUsableKey(provider.GetRequiredService<IOptions<TenantTokenOptions>>().Value),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<TenantTokenService>>()));

        services.TryAddSingleton(provider => new TenantRateLimiter(
            new BlobRateLimitCounterStore(
                provider.GetRequiredService<BlobServiceClient>().GetBlobContainerClient(BlobRateLimitCounterStore.DefaultContainerName),
                provider.GetRequiredService<ILogger<BlobRateLimitCounterStore>>()),
            provider.GetRequiredService<TenantDirectory>().RateLimitPerMinute,
            provider.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IAuditLog>(provider => new BlobAuditLog(
            provider.GetRequiredService<BlobServiceClient>().GetBlobContainerClient(BlobAuditLog.DefaultContainerName),
            provider.GetRequiredService<ILogger<BlobAuditLog>>()));
        services.TryAddSingleton<ICallSessionQuery>(provider => new BlobCallSessionQuery(
            SessionsContainer(provider), provider.GetRequiredService<ILogger<BlobCallSessionQuery>>()));

        services.AddOptions<ActiveCallCounterOptions>().Bind(configuration.GetSection(ActiveCallCounterOptions.SectionName));
        services.TryAddSingleton<IActiveCallCounter>(provider => new BlobActiveCallCounter(
            SessionsContainer(provider),
            provider.GetRequiredService<IOptions<ActiveCallCounterOptions>>().Value,
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<BlobActiveCallCounter>>()));
        services.TryAddSingleton<CallCapacityPolicy>();
        services.TryAddSingleton<ICallAdmissionPolicy, TenantCallAdmissionPolicy>();

        services.AddOptions<FailedAuthenticationOptions>()
            .Bind(configuration.GetSection(FailedAuthenticationOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton<FailedAuthenticationLimiter>();
        services.TryAddSingleton<TenantApiGate>();
        services.TryAddScoped<TenantContext>();
        services.TryAddScoped<ITenantContext>(provider => provider.GetRequiredService<TenantContext>());

        services.AddOptions<EventGridWebhookOptions>().Bind(configuration.GetSection(EventGridWebhookOptions.SectionName));
        // The ACS callback validator is built by AcsWebhookAuthenticator from Acs:CallbackAuth once configuration is complete.
        return services;
    }

    /// <summary>
    /// The callback authentication settings when it is on: <c>Acs:CallbackAuth:Enabled=true</c>, or a
    /// <c>Acs:CallbackAuth:ResourceId</c> without <c>Enabled=false</c>. Null when off — then callbacks are accepted unauthenticated
    /// locally and refused in Azure.
    /// </summary>
    public static AcsCallbackAuthOptions? CallbackAuthOptions(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(AcsCallbackAuthOptions.SectionName);
        var options = new AcsCallbackAuthOptions();
        section.Bind(options);
        var explicitlyEnabled = bool.TryParse(section["Enabled"], out var enabled) && enabled;
        var on = explicitlyEnabled || (section["Enabled"] is null && !string.IsNullOrWhiteSpace(options.ResourceId));
        if (!on)
        {
            return null;
        }

        options.Enabled = true;
        return options;
    }

    private static bool HasCredentials(IConfiguration configuration) =>
        configuration.GetSection(TenantsOptions.SectionName).GetChildren().Any(c => c.Key is "Items" or "AdminKey" or "AdminKeyHash")
        || !string.IsNullOrWhiteSpace(configuration[TenantEnvironmentSettings.CredentialsSetting]);

    // In Azure without tenants the key may be missing: the API is closed then, and a throwaway key keeps the service constructible.
    private static TenantTokenOptions WithUsableKey(TenantTokenOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.SigningKey))
        {
            return options;
        }

        return new TenantTokenOptions
        {
            SigningKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
            Issuer = options.Issuer,
            Audience = options.Audience,
            Lifetime = options.Lifetime,
            ClockSkew = options.ClockSkew,
        };
    }

    private static BlobContainerClient SessionsContainer(IServiceProvider provider) =>
        provider.GetRequiredService<BlobServiceClient>().GetBlobContainerClient(
            provider.GetRequiredService<IOptions<StorageOptions>>().Value.SessionsContainer);
}
