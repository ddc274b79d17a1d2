using Microsoft.Extensions.DependencyInjection.Extensions;

namespace DvServerless.Functions.CallCommands;

/// <summary>Registers the call command path.</summary>
public static class CallCommandServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ICallCommandClient"/> (<see cref="RoutedCallCommandClient"/>: the replica's queue through
    /// <see cref="QueuedCallCommandClient"/>, or <see cref="MediaWorkerCallCommandClient"/> on the <see cref="IHttpClientFactory"/>
    /// client <see cref="MediaWorkerCallCommandClient.HttpClientName"/>; neither retries: a repeated say would be heard twice)
    /// the scoped <see cref="CallCommandService"/> and <see cref="CallAgentNotes"/>. Needs the tenancy registrations and <c>AddDvServerlessCommandQueues</c>.
    /// </summary>
    public static IServiceCollection AddCallCommands(this IServiceCollection services)
    {
        services.AddHttpClient(MediaWorkerCallCommandClient.HttpClientName);
        services.TryAddSingleton(sp => ActivatorUtilities.CreateInstance<MediaWorkerCallCommandClient>(
            sp, sp.GetRequiredService<IHttpClientFactory>().CreateClient(MediaWorkerCallCommandClient.HttpClientName)));
        services.TryAddSingleton<QueuedCallCommandClient>();
        services.TryAddSingleton<ICallCommandClient, RoutedCallCommandClient>();
        services.TryAddScoped<CallCommandService>();
        services.TryAddSingleton<CallAgentNotes>();
        return services;
    }
}
