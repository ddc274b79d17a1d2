using DvServerless.Adapters.Engines.Cascaded;
using DvServerless.Adapters.Engines.Realtime;
using DvServerless.Core.Engines;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace DvServerless.Adapters.Engines;

/// <summary>Registers every conversation engine and the selector that picks one per agent.</summary>
public static class ConversationEngineServiceCollectionExtensions
{
    /// <summary>
    /// Registers the Realtime engine (<see cref="RealtimeServiceCollectionExtensions.AddRealtimeEngine"/>), the cascaded
    /// engine factory with <see cref="CascadedEngineOptions"/> from section <c>Cascaded</c>, and
    /// <see cref="ConversationEngineSelector"/> as the <see cref="IConversationEngineFactory"/>. <c>Agent:Engine</c> (and
    /// each named agent's <c>Agents:{id}:Engine</c>) is checked at start: an unknown engine stops the app with a message
    /// listing the engines; so is every <c>Agents:{id}:PhoneNumbers:{n}</c> (E.164, one agent per number). The cascaded parts (speech-to-text, keyed chat clients, text-to-speech) are registered by
    /// their own adapters; a missing one is reported when an agent first needs it.
    /// </summary>
    public static IServiceCollection AddConversationEngines(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        if (!services.Any(d => d.ServiceType == typeof(RealtimeEngineFactory)))
        {
            services.AddRealtimeEngine(configuration);
        }

        services.AddOptions<CascadedEngineOptions>()
            .Bind(configuration.GetSection(CascadedEngineOptions.SectionName))
            .Validate(o => o.Validate() is null, "Invalid cascaded engine settings (Cascaded:*).")
            .ValidateOnStart();
        services.AddOptions<AgentOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AgentOptions>, AgentEngineValidator>(_ => new AgentEngineValidator(configuration)));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AgentOptions>, AgentVoiceValidator>(_ => new AgentVoiceValidator(configuration)));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AgentOptions>, AgentPhoneNumberValidator>(_ => new AgentPhoneNumberValidator(configuration)));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AgentOptions>, AgentCallLimitsValidator>(_ => new AgentCallLimitsValidator(configuration)));

        services.TryAddSingleton<CascadedEngineFactory>();
        services.TryAddSingleton<ConversationEngineSelector>();

        // The Realtime registration defers to the selector when it is there, whichever was registered first.
        services.TryAddSingleton<IConversationEngineFactory>(sp => sp.GetRequiredService<ConversationEngineSelector>());
        return services;
    }

    /// <summary>
    /// For the app that runs the agents (the media worker): in Azure, a realtime agent with neither OpenAI nor Azure
    /// OpenAI configured stops the app at start, naming the settings, instead of every call failing to reach the local
    /// simulator that is not there. Needs <see cref="AddConversationEngines"/>.
    /// </summary>
    public static IServiceCollection RequireRealtimeModelInAzure(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddSingleton<IValidateOptions<AgentOptions>>(sp =>
            new RealtimeModelInAzureValidator(configuration, sp.GetRequiredService<IOptions<RealtimeEngineOptions>>()));
        return services;
    }
}
