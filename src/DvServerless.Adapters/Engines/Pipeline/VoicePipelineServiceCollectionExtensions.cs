using DvServerless.Core.Engines;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace DvServerless.Adapters.Engines.Pipeline;

/// <summary>Makes a <see cref="VoicePipeline"/> the app's engine.</summary>
public static class VoicePipelineServiceCollectionExtensions
{
    /// <summary>
    /// Makes the pipeline <paramref name="configure"/> describes the <see cref="IConversationEngineFactory"/> every call
    /// uses. A pipeline without its own parts decorates the configured engines (<see cref="ConversationEngineSelector"/>
    /// from <see cref="ConversationEngineServiceCollectionExtensions.AddConversationEngines"/>), so its hooks and filters
    /// apply to whichever engine each agent runs. Call it after the engines are registered.
    /// </summary>
    public static IServiceCollection AddVoicePipeline(this IServiceCollection services, Action<VoicePipeline> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        var pipeline = VoicePipeline.Create();
        configure(pipeline);
        services.Replace(ServiceDescriptor.Singleton<IConversationEngineFactory>(sp => pipeline.Build(
            pipeline.IsSelfContained ? null : sp.GetService<ConversationEngineSelector>(),
            sp.GetService<ILoggerFactory>(),
            sp.GetService<TimeProvider>())));
        return services;
    }
}
