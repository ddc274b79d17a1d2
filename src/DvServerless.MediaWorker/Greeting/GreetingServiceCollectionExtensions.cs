using DvServerless.Adapters.Tts;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace DvServerless.MediaWorker.Greeting;

/// <summary>Wires the cached greeting into the worker.</summary>
public static class GreetingServiceCollectionExtensions
{
    /// <summary>
    /// Registers the TTS cache, <see cref="ICallGreeting"/> (the <see cref="CachedGreeting"/>, silent while
    /// <c>Agent:Greeting</c> is empty) and its start-up pre-load. Needs <c>AddDvServerlessStorage</c>.
    /// </summary>
    public static IServiceCollection AddCachedGreeting(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddDvServerlessTts(configuration);
        services.AddOptions<GreetingOptions>().Bind(configuration.GetSection(GreetingOptions.SectionName))
            .Validate(o => o.Greeting is null || o.Greeting.Length <= 1000, "Agent:Greeting is at most 1000 characters.")
            .ValidateOnStart();
        // Registered always: configuration added later (tests, the CLI's local stack) decides, through the options.
        services.TryAddSingleton<CachedGreeting>();
        services.TryAddSingleton<ICallGreeting>(sp => sp.GetRequiredService<CachedGreeting>());
        services.AddHostedService<GreetingPrewarmService>();

        return services;
    }
}
