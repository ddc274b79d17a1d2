using DvServerless.Adapters.Tenants;
using DvServerless.Core.Live;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging.Abstractions;

namespace DvServerless.MediaWorker.Live;

/// <summary>Registers and maps the live hub, its publisher, the call board and the API-token authentication.</summary>
public static class LiveServiceCollectionExtensions
{
    /// <summary>
    /// Registers SignalR (backed by Azure SignalR Service when <c>Azure:SignalR:ConnectionString</c> is set, see
    /// <see cref="AzureSignalRConfiguration"/>), <see cref="LiveCallBoard"/>, <see cref="LiveHubPublisher"/> as the
    /// worker's <see cref="ILiveEventPublisher"/> and as a hosted service, <see cref="LiveMetrics"/>, and the
    /// <see cref="ApiTokenAuthenticationHandler"/> scheme with <see cref="LiveTokenValidator"/> over <c>Tenants:Tokens</c>.
    /// In Azure (<c>CONTAINER_APP_NAME</c> or <c>WEBSITE_SITE_NAME</c> set) start-up fails without
    /// <c>Tenants:Tokens:SigningKey</c>; locally the hub then refuses every token.
    /// </summary>
    public static IServiceCollection AddLiveHub(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        // Azure SignalR Service holds the hub's connections when Azure:SignalR:ConnectionString is set (in Azure);
        // without it the hub runs in-process, as locally.
        services.AddSignalR().AddAzureSignalRWhenConfigured(configuration);

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<LiveCallBoard>();
        services.TryAddSingleton<LiveMetrics>();
        services.TryAddSingleton<LiveHubPublisher>();
        services.RemoveAll<ILiveEventPublisher>();
        services.AddSingleton<ILiveEventPublisher>(provider => provider.GetRequiredService<LiveHubPublisher>());
        services.AddHostedService(provider => provider.GetRequiredService<LiveHubPublisher>());

        // Read when validated, not now: hosts and tests add configuration sources after the services are registered.
        bool InAzure() => !string.IsNullOrEmpty(configuration["CONTAINER_APP_NAME"]) || !string.IsNullOrEmpty(configuration["WEBSITE_SITE_NAME"]);
        services.AddOptions<TenantTokenOptions>()
            .Bind(configuration.GetSection(TenantTokenOptions.SectionName))
            .Validate(options => !InAzure() || !string.IsNullOrWhiteSpace(options.SigningKey),
                "Tenants:Tokens:SigningKey must be set in Azure (the Functions app's key, from Key Vault): the live hub checks dashboards' API tokens with it.")
            .Validate(options => string.IsNullOrWhiteSpace(options.SigningKey) || IsUsableKey(options),
                "Tenants:Tokens:SigningKey must be base64 of at least 32 bytes (or text of at least 32 characters), and Tenants:Tokens:Lifetime positive.")
            .ValidateOnStart();
        services.TryAddSingleton<LiveTokenValidator>();
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, ApiTokenAuthenticationHandler>(ApiTokenAuthenticationHandler.SchemeName, configureOptions: null);
        services.AddAuthorization();
        return services;
    }

    /// <summary>
    /// Maps <see cref="LiveHub"/> at <see cref="LiveHub.Path"/>. A connection is closed when its token expires; the
    /// dashboard's client reconnects with a fresh one.
    /// </summary>
    public static IEndpointRouteBuilder MapLiveHub(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapHub<LiveHub>(LiveHub.Path, options => options.CloseOnAuthenticationExpiration = true);
        return endpoints;
    }

    private static bool IsUsableKey(TenantTokenOptions options)
    {
        try
        {
            _ = new TenantTokenService(options, TimeProvider.System, NullLogger<TenantTokenService>.Instance);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
