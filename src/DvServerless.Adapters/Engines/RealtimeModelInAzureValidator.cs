using DvServerless.Adapters.Engines.Realtime;
using DvServerless.Core.Engines;
using DvServerless.Core.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace DvServerless.Adapters.Engines;

/// <summary>
/// Stops an app that runs the agents (the media worker) from starting in Azure when an agent — the default
/// <c>Agent:Engine</c> or a named <c>Agents:{id}:Engine</c> — is <c>realtime</c> but neither OpenAI nor Azure OpenAI is
/// configured. Locally that combination means the bundled Realtime simulator; in Azure there is no simulator, so every
/// call would fail to connect. Offline and cascaded agents need no Realtime model.
/// </summary>
public sealed class RealtimeModelInAzureValidator(IConfiguration configuration) : IValidateOptions<AgentOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, AgentOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        // Read at validation, not construction: hosts and tests add configuration sources after registering services.
        if (!AzureHostDetection.IsInAzure(key => configuration[key]) || RealtimeAgentSetting(options) is not { } setting)
        {
            return ValidateOptionsResult.Success;
        }

        var realtime = new RealtimeEngineOptions();
        RealtimeServiceCollectionExtensions.ConfigureEngine(realtime, configuration);
        return realtime.Service != RealtimeServiceKind.Simulator
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"{setting} is realtime but no model is configured: in Azure set OpenAI__ApiKey (or OPENAI_API_KEY) or " +
                "AzureOpenAI__Endpoint and AzureOpenAI__Deployment. The bundled Realtime simulator is for local development only.");
    }

    private string? RealtimeAgentSetting(AgentOptions options)
    {
        if (IsRealtime(options.Engine))
        {
            return "Agent:Engine";
        }

        // A named agent without its own engine takes the default agent's.
        return configuration.GetSection(AgentCatalog.SectionName).GetChildren()
            .Where(agent => IsRealtime(agent["Engine"] ?? options.Engine))
            .Select(agent => $"{AgentCatalog.SectionName}:{agent.Key}:Engine")
            .FirstOrDefault();
    }

    private static bool IsRealtime(string? engine) => string.Equals(engine, EngineKinds.Realtime, StringComparison.OrdinalIgnoreCase);
}
