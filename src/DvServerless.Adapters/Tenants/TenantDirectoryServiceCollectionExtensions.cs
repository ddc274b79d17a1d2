using DvServerless.Core.Tenants;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace DvServerless.Adapters.Tenants;

/// <summary>Registers the tenant directory both apps read: the Functions app to authenticate and route, the worker to find a tenant's own OpenAI project.</summary>
public static class TenantDirectoryServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="TenantsOptions"/> (section <c>Tenants</c> plus the flat <c>TENANT_CREDENTIALS</c>,
    /// <c>TENANT_LIMITS</c>, <c>GW_RATE_LIMIT_RPM</c>), checked at start-up by <see cref="TenantsOptionsValidator"/>, and
    /// <see cref="TenantDirectory"/> over them.
    /// </summary>
    public static IServiceCollection AddTenantDirectory(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<TenantsOptions>()
            .Configure(options =>
            {
                configuration.GetSection(TenantsOptions.SectionName).Bind(options);
                TenantEnvironmentSettings.ApplyTo(options, name => configuration[name]);
            })
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TenantsOptions>, TenantsOptionsValidator>());
        services.TryAddSingleton(provider => new TenantDirectory(provider.GetRequiredService<IOptions<TenantsOptions>>().Value));
        return services;
    }
}
