using DvServerless.Adapters.Engines.Realtime;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DvServerless.Adapters.OpenAI.Calls;

/// <summary>Registers the SIP call-control client, shared by the Functions app and the media worker.</summary>
public static class OpenAICallControlServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="OpenAICallControlOptions"/> (section <c>OpenAI:CallControl</c>, checked at start-up), the
    /// <see cref="IHttpClientFactory"/> client <see cref="OpenAICallControlClientFactory.HttpClientName"/> with the
    /// <see cref="OpenAICallControlResilience"/> pipeline on the registered <see cref="TimeProvider"/>, the
    /// <see cref="OpenAICallControlClientFactory"/>, <see cref="IRealtimeCallControl"/> on the Realtime engine's settings and
    /// <see cref="TenantRealtimeProjects"/> (tenants' own projects, when a <c>TenantDirectory</c> is registered).
    /// Needs the Realtime engine registrations.
    /// </summary>
    public static IServiceCollection AddOpenAICallControl(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<OpenAICallControlOptions>()
            .Bind(configuration.GetSection(OpenAICallControlOptions.SectionName))
            .Validate(o => o.Validate() is null, "Invalid OpenAI:CallControl settings (MaxAttempts 1–6, InitialRetryDelay 0–10 s, RequestTimeout up to 1 min, MaxRetryAfter 0–1 min).")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpClient(OpenAICallControlClientFactory.HttpClientName)
            .AddResilienceHandler(OpenAICallControlResilience.PipelineName, (builder, context) => OpenAICallControlResilience.Configure(
                builder,
                context.ServiceProvider.GetRequiredService<IOptions<OpenAICallControlOptions>>().Value,
                context.ServiceProvider.GetRequiredService<TimeProvider>(),
                context.ServiceProvider.GetRequiredService<ILogger<OpenAICallControlClient>>()));
        services.TryAddSingleton<OpenAICallControlClientFactory>();
        services.TryAddSingleton<IRealtimeCallControl>(sp => sp.GetRequiredService<OpenAICallControlClientFactory>()
            .Create(sp.GetRequiredService<IOptions<RealtimeEngineOptions>>().Value));
        // Calls of a tenant's own OpenAI project are controlled (and their sideband attached) with that tenant's key.
        services.TryAddSingleton(sp => new TenantRealtimeProjects(
            sp.GetRequiredService<IRealtimeCallControl>(),
            sp.GetRequiredService<IOptions<RealtimeEngineOptions>>().Value,
            sp.GetService<DvServerless.Core.Tenants.TenantDirectory>(),
            sp.GetRequiredService<OpenAICallControlClientFactory>().Create));
        return services;
    }
}
