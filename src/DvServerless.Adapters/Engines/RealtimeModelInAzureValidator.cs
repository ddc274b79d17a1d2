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
/// <param name="configuration">Tells whether the app runs in Azure, and holds the named agents.</param>
/// <param name="realtime">The Realtime engine's settings as the app resolved them; read only when a realtime agent runs in Azure.</param>
internal sealed class RealtimeModelInAzureValidator(IConfiguration configuration, IOptions<RealtimeEngineOptions> realtime)
    : IValidateOptions<AgentOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, AgentOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        // Read at validation, not construction: hosts and tests add configuration sources after registering services.
        if (!AzureHostDetection.IsInAzure(key => configuration[key]))
        {
            return ValidateOptionsResult.Success;
        }

        // A named agent without its own engine runs on the default's, so the settings that are set are all there is to check.
        var setting = AgentEngineSettings.Read(options, configuration)
            .FirstOrDefault(s => string.Equals(s.Engine, EngineKinds.Realtime, StringComparison.OrdinalIgnoreCase)).Setting;
        return setting is null || realtime.Value.Service != RealtimeServiceKind.Simulator
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"{setting} is realtime but no model is configured: in Azure set OpenAI__ApiKey (or OPENAI_API_KEY) or " +
                "AzureOpenAI__Endpoint and AzureOpenAI__Deployment. The bundled Realtime simulator is for local development only.");
    }
}
