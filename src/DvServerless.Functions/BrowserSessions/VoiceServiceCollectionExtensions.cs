using DvServerless.Adapters.OpenAI.ClientSecrets;
using DvServerless.Functions.Realtime;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace DvServerless.Functions.BrowserSessions;

/// <summary>Registers what the voice API needs.</summary>
public static class VoiceServiceCollectionExtensions
{
    /// <summary>
    /// Registers the worker command client (<see cref="IHttpClientFactory"/> client <see cref="MediaWorkerBrowserClient.HttpClientName"/>,
    /// no retries: a repeated stop or interrupt is harmless but a late one is not wanted) <see cref="BrowserSessionService"/> and the ephemeral-key service.
    /// Needs the tenancy and SIP registrations (admission, the sideband attach client).
    /// </summary>
    public static IServiceCollection AddVoiceFunctions(this IServiceCollection services)
    {
        services.AddHttpClient(MediaWorkerBrowserClient.HttpClientName);
        services.TryAddSingleton<IBrowserWorkerClient>(sp => ActivatorUtilities.CreateInstance<MediaWorkerBrowserClient>(
            sp, sp.GetRequiredService<IHttpClientFactory>().CreateClient(MediaWorkerBrowserClient.HttpClientName)));
        services.TryAddScoped<BrowserSessionService>();
        services.AddRealtimeClientSecrets();
        services.TryAddSingleton<RealtimeClientSecretService>();
        return services;
    }
}
