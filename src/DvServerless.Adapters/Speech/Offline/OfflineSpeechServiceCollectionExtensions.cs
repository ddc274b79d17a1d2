using DvServerless.Adapters.Llm.Offline;
using DvServerless.Core.Speech;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace DvServerless.Adapters.Speech.Offline;

/// <summary>Registers the offline conversation parts: the pocketsphinx recognizer and the intent responder.</summary>
public static class OfflineSpeechServiceCollectionExtensions
{
    /// <summary>The service key of the offline responder's <see cref="IChatClient"/>.</summary>
    public const string ResponderKey = "offline";

    /// <summary>
    /// Registers <see cref="PocketSphinxSpeechToText"/> as an <see cref="ISpeechToText"/> next to any other provider
    /// (settings from <c>Speech:Offline</c>) and <see cref="OfflineResponder"/> as the <see cref="IChatClient"/> keyed
    /// <c>offline</c> (intents from <c>Agent:Offline</c>). Nothing is loaded until first use.
    /// </summary>
    public static IServiceCollection AddOfflineSpeech(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<PocketSphinxOptions>().Bind(configuration.GetSection(PocketSphinxOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<PocketSphinxSpeechToText>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISpeechToText, PocketSphinxSpeechToText>(sp => sp.GetRequiredService<PocketSphinxSpeechToText>()));

        services.TryAddSingleton(_ => OfflineResponderOptions.FromConfiguration(configuration));
        services.TryAddSingleton(sp => new OfflineResponder(sp.GetRequiredService<OfflineResponderOptions>(), sp.GetService<ILogger<OfflineResponder>>()));
        services.TryAddKeyedSingleton<IChatClient>(ResponderKey, (sp, _) => sp.GetRequiredService<OfflineResponder>());
        return services;
    }
}
