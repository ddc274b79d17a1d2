using DvServerless.Adapters.Tts;

namespace DvServerless.Functions.Tts;

/// <summary>Wires the TTS providers, prompt cache and warm-up into the Functions app.</summary>
public static class TtsFunctions
{
    /// <summary>
    /// Registers the TTS services and, when the app runs standalone (under the Functions host the <c>TtsCacheWarmup</c>
    /// timer runs instead), the <see cref="LocalTtsWarmupService"/> loop.
    /// </summary>
    public static IServiceCollection AddTtsFunctions(this IServiceCollection services, IConfiguration configuration, Hosting.FunctionsHostingMode mode)
    {
        ArgumentNullException.ThrowIfNull(mode);
        services.AddDvServerlessTts(configuration);
        if (!mode.UnderFunctionsHost)
        {
            services.AddHostedService<LocalTtsWarmupService>();
        }

        return services;
    }
}
