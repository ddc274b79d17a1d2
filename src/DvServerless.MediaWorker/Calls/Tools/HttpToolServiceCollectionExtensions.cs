using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace DvServerless.MediaWorker.Calls.Tools;

/// <summary>Registers the HTTP tools configured under <c>Agent:Tools:{name}</c>.</summary>
public static class HttpToolServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="HttpToolsOptions"/> from <c>Agent:Tools</c> (validated at start-up: <see cref="HttpToolsOptionsValidator"/>),
    /// registers <see cref="ConfiguredHttpTools"/>, whose handlers every call's engine declares next to the built-in tools,
    /// and the <see cref="HttpToolHandler.HttpClientName"/> client: up to 2 retries (200 ms, then 400 ms, with jitter;
    /// <c>Retry-After</c> honoured) of transport failures, 408, 429 and 5xx. POST is retried because each request carries
    /// an <c>Idempotency-Key</c>; the tool's <see cref="HttpToolOptions.Timeout"/> bounds the whole, retries included.
    /// Settings are read when first resolved, so configuration a host adds after this call counts.
    /// </summary>
    public static IServiceCollection AddHttpTools(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<HttpToolsOptions>()
            .Configure(options => configuration.GetSection(HttpToolsOptions.SectionName).Bind(options.Tools))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HttpToolsOptions>, HttpToolsOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ConfiguredHttpTools>();
        services.AddHttpClient(HttpToolHandler.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .AddResilienceHandler(HttpToolHandler.HttpClientName, builder => builder.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = 2,
                Delay = TimeSpan.FromMilliseconds(200),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
            }));
        return services;
    }
}
