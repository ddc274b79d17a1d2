using Microsoft.Extensions.DependencyInjection.Extensions;

namespace DvServerless.Functions.CallCommands;

/// <summary>Registers the call command path.</summary>
public static class CallCommandServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ICallCommandClient"/> (<see cref="MediaWorkerCallCommandClient"/> on the <see cref="IHttpClientFactory"/>
    /// client <see cref="MediaWorkerCallCommandClient.HttpClientName"/>, no retries: a repeated say would be heard twice) and
    /// the scoped <see cref="CallCommandService"/>. Needs the tenancy registrations.
    /// </summary>
    public static IServiceCollection AddCallCommands(this IServiceCollection services)
    {
        services.AddHttpClient(MediaWorkerCallCommandClient.HttpClientName);
        services.TryAddSingleton<ICallCommandClient>(sp => ActivatorUtilities.CreateInstance<MediaWorkerCallCommandClient>(
            sp, sp.GetRequiredService<IHttpClientFactory>().CreateClient(MediaWorkerCallCommandClient.HttpClientName)));
        services.TryAddScoped<CallCommandService>();
        return services;
    }
}
