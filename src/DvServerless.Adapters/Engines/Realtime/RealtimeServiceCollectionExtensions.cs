using Azure.Identity;
using DvServerless.Core.Engines;
using DvServerless.Core.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace DvServerless.Adapters.Engines.Realtime;

/// <summary>Registers the Realtime conversation engine.</summary>
public static class RealtimeServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IConversationEngineFactory"/> and <see cref="AgentOptions"/> from <c>OpenAI:*</c> /
    /// <c>AzureOpenAI:*</c> (or <c>OPENAI_API_KEY</c>); with neither, the local Realtime simulator.
    /// </summary>
    /// <remarks>
    /// Precedence: <c>AzureOpenAI:Endpoint</c> (key from <c>AzureOpenAI:ApiKey</c>, else <c>DefaultAzureCredential</c>;
    /// model = <c>AzureOpenAI:Deployment</c>), then an OpenAI key (<c>OpenAI:BaseUrl</c>, default
    /// <c>https://api.openai.com/v1</c>), then the simulator at <see cref="LocalDefaults.RealtimeSimulatorBaseUrl"/>.
    /// <see cref="AgentOptions"/> binds section <c>Agent</c>; <c>OpenAI:Model</c>, <c>OpenAI:Voice</c>,
    /// <c>OpenAI:Instructions</c> and <c>OpenAI:TranscriptionModel</c> override it.
    /// </remarks>
    public static IServiceCollection AddRealtimeEngine(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<RealtimeEngineOptions>()
            .Configure(options => ConfigureEngine(options, configuration))
            .Validate(options => options.Validate() is null, "Invalid Realtime engine settings (OpenAI:* / AzureOpenAI:*).")
            .ValidateOnStart();

        services.AddOptions<AgentOptions>()
            .Bind(configuration.GetSection("Agent"))
            .PostConfigure(agent => ApplyAgentOverrides(agent, configuration))
            .Validate(agent => !string.IsNullOrWhiteSpace(agent.Model) && !string.IsNullOrWhiteSpace(agent.Voice),
                "Agent:Model and Agent:Voice must be set.")
            .Validate(agent => agent.VadThreshold is >= 0 and <= 1, "Agent:VadThreshold must be between 0 and 1.")
            .Validate(agent => agent.Reconnect.Validate() is null, "Invalid Agent:Reconnect settings (MaxAttempts 0–100, InitialDelay ≤ MaxDelay, Multiplier ≥ 1, AttemptTimeout > 0, HandoverAfter > 0).")
            .ValidateOnStart();
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<AgentOptions>>().Value);
        services.TryAddSingleton(sp => new AgentCatalog(sp.GetRequiredService<AgentOptions>(), configuration));

        services.TryAddSingleton<RealtimeEngineFactory>();
        // The engine selector (AddConversationEngines) wins when registered: it hands realtime agents to this factory.
        services.TryAddSingleton<IConversationEngineFactory>(sp =>
            sp.GetService<ConversationEngineSelector>() ?? (IConversationEngineFactory)sp.GetRequiredService<RealtimeEngineFactory>());
        return services;
    }

    /// <summary>Fills <paramref name="options"/> from configuration (exposed for tests and the CLI).</summary>
    public static void ConfigureEngine(RealtimeEngineOptions options, IConfiguration configuration)
    {
        var azureEndpoint = configuration["AzureOpenAI:Endpoint"];
        var openAiKey = DvServerless.Adapters.OpenAI.OpenAIApiKey.From(configuration);
        var baseUrl = NonEmpty(configuration["OpenAI:BaseUrl"]);
        if (TimeSpan.TryParse(configuration["OpenAI:SessionStartTimeout"], System.Globalization.CultureInfo.InvariantCulture, out var startTimeout))
        {
            options.SessionStartTimeout = startTimeout;
        }

        if (int.TryParse(configuration["OpenAI:MaxOutputTokens"], out var maxTokens))
        {
            options.MaxOutputTokens = maxTokens;
        }

        if (NonEmpty(azureEndpoint) is { } endpoint)
        {
            options.Service = RealtimeServiceKind.AzureOpenAI;
            options.BaseUrl = AzureBaseUrl(endpoint);
            options.ApiKey = NonEmpty(configuration["AzureOpenAI:ApiKey"]);
            options.Credential = options.ApiKey is null ? new DefaultAzureCredential() : null;
        }
        else if (openAiKey is not null)
        {
            options.Service = RealtimeServiceKind.OpenAI;
            options.BaseUrl = new Uri(baseUrl ?? "https://api.openai.com/v1");
            options.ApiKey = openAiKey;
            if (options.BaseUrl.IsLoopback)
            {
                options.Service = RealtimeServiceKind.Simulator;
            }
        }
        else
        {
            // Nothing configured: the local simulator (optionally on another port through OpenAI:BaseUrl).
            options.Service = RealtimeServiceKind.Simulator;
            options.BaseUrl = new Uri(baseUrl ?? LocalDefaults.RealtimeSimulatorBaseUrl);
            options.ApiKey = LocalDefaults.RealtimeSimulatorApiKey;
        }
    }

    /// <summary>The GA v1 base for an Azure OpenAI resource endpoint (<c>https://{res}.openai.azure.com</c> → <c>…/openai/v1</c>).</summary>
    public static Uri AzureBaseUrl(string endpoint)
    {
        var trimmed = endpoint.TrimEnd('/');
        if (trimmed.EndsWith("/openai/v1", StringComparison.OrdinalIgnoreCase))
        {
            return new Uri(trimmed);
        }

        if (trimmed.EndsWith("/openai", StringComparison.OrdinalIgnoreCase))
        {
            return new Uri(trimmed + "/v1");
        }

        return new Uri(trimmed + "/openai/v1");
    }

    private static void ApplyAgentOverrides(AgentOptions agent, IConfiguration configuration)
    {
        agent.DropUnnamedTools();
        if (NonEmpty(configuration["OpenAI:Model"]) is { } model)
        {
            agent.Model = model;
        }

        if (NonEmpty(configuration["AzureOpenAI:Endpoint"]) is not null && NonEmpty(configuration["AzureOpenAI:Deployment"]) is { } deployment)
        {
            // On Azure the model query parameter is the deployment name.
            agent.Model = deployment;
        }

        if (NonEmpty(configuration["OpenAI:Voice"]) is { } voice)
        {
            agent.Voice = voice;
        }

        if (NonEmpty(configuration["OpenAI:Instructions"]) is { } instructions)
        {
            agent.Instructions = instructions;
        }

        if (configuration["OpenAI:TranscriptionModel"] is { } transcription)
        {
            // Present but empty turns transcription off.
            agent.TranscriptionModel = NonEmpty(transcription);
        }
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
