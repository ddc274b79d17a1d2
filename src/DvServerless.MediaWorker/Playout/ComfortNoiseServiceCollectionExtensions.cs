using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace DvServerless.MediaWorker.Playout;

/// <summary>Wires comfort noise into the worker.</summary>
public static class ComfortNoiseServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="ComfortNoiseOptions"/> from the top-level <c>GW_COMFORT_NOISE_*</c> settings (a bad level or a
    /// missing file fails start-up) and registers the <see cref="ComfortNoiseSource"/>.
    /// </summary>
    public static IServiceCollection AddComfortNoise(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ComfortNoiseOptions>().Bind(configuration)
            .ValidateDataAnnotations()
            .Validate(o => string.IsNullOrWhiteSpace(o.File) || (File.Exists(o.File) && new FileInfo(o.File).Length >= 2),
                "GW_COMFORT_NOISE_FILE names no file holding audio.")
            .ValidateOnStart();
        services.TryAddSingleton<ComfortNoiseSource>();
        return services;
    }
}
