using DvServerless.Adapters.OpenAI.ClientSecrets;
using DvServerless.Functions.CallCommands;
using DvServerless.Functions.Realtime;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace DvServerless.Functions.BrowserSessions;

/// <summary>Registers what the voice API needs.</summary>
public static class VoiceServiceCollectionExtensions
{
    /// <summary>
    /// Registers the call command path (the browser's stop, interrupt and mute are call commands), <see cref="BrowserSessionService"/>
    /// and the ephemeral-key service.
    /// Needs the tenancy and SIP registrations (admission, the sideband attach client).
    /// </summary>
    public static IServiceCollection AddVoiceFunctions(this IServiceCollection services)
    {
        services.AddCallCommands();
        services.TryAddScoped<BrowserSessionService>();
        services.AddRealtimeClientSecrets();
        services.TryAddSingleton<RealtimeClientSecretService>();
        return services;
    }
}
