using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace DvServerless.Adapters.OpenAI.ClientSecrets;

/// <summary>Registers the ephemeral-key client.</summary>
public static class RealtimeClientSecretsServiceCollectionExtensions
{
    /// <summary>
    /// How minting a key is retried: three requests at most, 250 ms then 500 ms apart (or what <c>Retry-After</c> asks, up
    /// to 5 s), each cut off after 10 s. A browser is waiting for the key, so a longer wait is answered with the failure.
    /// </summary>
    public static readonly OpenAIRetrySettings Retries = new(3, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(5));

    /// <summary>
    /// Registers the <see cref="IHttpClientFactory"/> client <see cref="RealtimeClientSecretsClientFactory.HttpClientName"/>
    /// (30 s in all, the <see cref="OpenAIRestResilience"/> pipeline with <see cref="Retries"/> on the registered
    /// <see cref="TimeProvider"/>) and <see cref="RealtimeClientSecretsClientFactory"/>. Needs the Realtime engine
    /// registrations for the settings the clients are made from.
    /// </summary>
    public static IServiceCollection AddRealtimeClientSecrets(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpClient(RealtimeClientSecretsClientFactory.HttpClientName, http => http.Timeout = TimeSpan.FromSeconds(30))
            .AddResilienceHandler("client-secrets", (builder, context) =>
            {
                var logger = context.ServiceProvider.GetRequiredService<ILogger<RealtimeClientSecretsClient>>();
                OpenAIRestResilience.Configure(
                    builder,
                    Retries,
                    context.ServiceProvider.GetRequiredService<TimeProvider>(),
                    (_, attempt, reason, delayMs) => RealtimeClientSecretsClient.LogRetrying(logger, attempt, reason, delayMs));
            });
        services.TryAddSingleton<RealtimeClientSecretsClientFactory>();
        return services;
    }
}
