using DvServerless.Core.Engines;
using Microsoft.Extensions.Configuration;

namespace DvServerless.Adapters.Engines;

/// <summary>
/// The engine settings an app's agents are configured with: the default agent's <c>Agent:Engine</c>, then each named
/// agent that sets its own <c>Agents:{id}:Engine</c> (one without it runs on the default's). Read straight from
/// configuration so start-up checks of <see cref="AgentOptions"/> need not build the <see cref="AgentCatalog"/> from it.
/// </summary>
internal static class AgentEngineSettings
{
    /// <summary>Each setting's name (as in a start-up message) and its value.</summary>
    public static IEnumerable<(string Setting, string? Engine)> Read(AgentOptions defaultAgent, IConfiguration configuration)
    {
        yield return ("Agent:Engine", defaultAgent.Engine);
        foreach (var agent in configuration.GetSection(AgentCatalog.SectionName).GetChildren())
        {
            if (agent["Engine"] is { } engine)
            {
                yield return ($"{AgentCatalog.SectionName}:{agent.Key}:Engine", engine);
            }
        }
    }
}
