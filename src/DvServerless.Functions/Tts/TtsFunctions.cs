using DvServerless.Adapters.Tts;

namespace DvServerless.Functions.Tts;

/// <summary>Wires the TTS providers, prompt cache and warm-up into the Functions app.</summary>
public static class TtsFunctions
{
    /// <summary>
    /// Registers the TTS services and, when the app runs on its own (no <c>FUNCTIONS_CUSTOMHANDLER_PORT</c>; under the
    /// Functions host the <c>TtsCacheWarmup</c> timer runs instead), the <see cref="LocalTtsWarmupService"/> loop.
    /// </summary>
    public static IServiceCollection AddTtsFunctions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddDvServerlessTts(configuration);
        if (string.IsNullOrWhiteSpace(configuration["FUNCTIONS_CUSTOMHANDLER_PORT"]))
        {
            services.AddHostedService<LocalTtsWarmupService>();
        }

        return services;
    }

    /// <summary>Maps the cache statistics, the on-demand warm-up and the timer function.</summary>
    public static IEndpointRouteBuilder MapTtsFunctions(this IEndpointRouteBuilder app)
    {
        TtsCacheEndpoints.Map(app);
        return app;
    }
}
