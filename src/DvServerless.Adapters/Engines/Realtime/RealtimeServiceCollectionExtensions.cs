using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace DvServerless.Adapters.Engines.Realtime;

/// <summary>Registers the Realtime conversation engine.</summary>
public static class RealtimeServiceCollectionExtensions
{
    /// <summary>
    /// Registers <c>IConversationEngineFactory</c> and <c>AgentOptions</c> from <c>OpenAI:*</c> / <c>AzureOpenAI:*</c>
    /// (or <c>OPENAI_API_KEY</c>); with neither, the local Realtime simulator.
    /// </summary>
    public static IServiceCollection AddRealtimeEngine(this IServiceCollection services, IConfiguration configuration)
    {
        // Being implemented by the Realtime engine work.
        return services;
    }
}
