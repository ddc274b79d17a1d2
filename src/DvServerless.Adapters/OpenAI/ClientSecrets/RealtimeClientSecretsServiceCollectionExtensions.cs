using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace DvServerless.Adapters.OpenAI.ClientSecrets;

/// <summary>Registers the ephemeral-key client.</summary>
public static class RealtimeClientSecretsServiceCollectionExtensions
{
    /// <summary>
    /// Registers the <see cref="IHttpClientFactory"/> client <see cref="RealtimeClientSecretsClientFactory.HttpClientName"/>
    /// (30 s timeout) and <see cref="RealtimeClientSecretsClientFactory"/>. Needs the Realtime engine registrations for
    /// the settings the clients are made from.
    /// </summary>
    public static IServiceCollection AddRealtimeClientSecrets(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddHttpClient(RealtimeClientSecretsClientFactory.HttpClientName, http => http.Timeout = TimeSpan.FromSeconds(30));
        services.TryAddSingleton<RealtimeClientSecretsClientFactory>();
        return services;
    }
}
