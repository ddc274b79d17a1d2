using DvServerless.Adapters.Live;
using DvServerless.Core.Live;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace DvServerless.Functions.Live;

/// <summary>Registers the Functions app's live events.</summary>
public static class LiveEventsServiceCollectionExtensions
{
    // Live events are not worth waiting for: a short attempt, one retry, then the event is dropped.
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan TotalTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// With <c>Azure:SignalR:ConnectionString</c> set, <see cref="ILiveEventPublisher"/> is the REST publisher
    /// (<see cref="AzureSignalRLiveEventPublisher"/>, run by a hosted service that does the sending) to that service — the
    /// worker's stand-in on its internal port locally; without it, <see cref="DiscardingLiveEventPublisher"/>. A
    /// malformed string fails the app's start with a message naming the setting.
    /// </summary>
    public static IServiceCollection AddLiveEvents(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddHttpClient(AzureSignalRRestClient.HttpClientName)
            .AddStandardResilienceHandler(options =>
            {
                options.AttemptTimeout.Timeout = AttemptTimeout;
                options.TotalRequestTimeout.Timeout = TotalTimeout;
                options.Retry.MaxRetryAttempts = 1;
                options.Retry.Delay = TimeSpan.FromMilliseconds(200);
                // The breaker must sample at least two attempts' worth of time.
                options.CircuitBreaker.SamplingDuration = 5 * AttemptTimeout;
            });
        services.TryAddSingleton(TimeProvider.System);
        // Read when first resolved, not now: the standalone host's callers (the CLI, tests) add settings after this.
        services.TryAddSingleton(Create);
        // Resolves the publisher at start (so a malformed setting stops the app there) and runs its sender.
        services.AddHostedService<LiveEventPublisherHostedService>();
        return services;
    }

    private static ILiveEventPublisher Create(IServiceProvider provider)
    {
        var value = provider.GetRequiredService<IConfiguration>()[AzureSignalRConnectionString.SettingName];
        if (string.IsNullOrWhiteSpace(value))
        {
            return DiscardingLiveEventPublisher.Instance;
        }

        AzureSignalRConnectionString connection;
        try
        {
            connection = AzureSignalRConnectionString.Parse(value);
        }
        catch (FormatException e)
        {
            throw new InvalidOperationException(e.Message, e);
        }

        var time = provider.GetRequiredService<TimeProvider>();
        var client = new AzureSignalRRestClient(connection.Endpoint, connection.CreateTokenSource(time), provider.GetRequiredService<IHttpClientFactory>());
        return new AzureSignalRLiveEventPublisher(client, time, provider.GetRequiredService<ILogger<AzureSignalRLiveEventPublisher>>(),
            provider.GetService<System.Diagnostics.Metrics.IMeterFactory>());
    }
}
