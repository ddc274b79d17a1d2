using DvServerless.Adapters.Engines.Realtime;
using DvServerless.Core.Engines;
using DvServerless.Core.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace DvServerless.Adapters.Tests.Engines.Realtime;

public sealed class RealtimeServiceCollectionExtensionsTests
{
    [Fact]
    public void NothingConfigured_UsesTheLocalSimulator()
    {
        var (options, agent, factory) = Build([]);

        Assert.Equal(RealtimeServiceKind.Simulator, options.Service);
        Assert.Equal(new Uri(LocalDefaults.RealtimeSimulatorBaseUrl), options.EffectiveBaseUrl);
        Assert.Equal(LocalDefaults.RealtimeSimulatorApiKey, options.ApiKey);
        Assert.Equal("realtime-simulator", options.EngineName);
        Assert.Equal($"Realtime simulator at {LocalDefaults.RealtimeSimulatorBaseUrl}", options.DescribeEngine(agent.Model));
        Assert.IsType<RealtimeEngineFactory>(factory);
    }

    [Fact]
    public void OpenAIKey_UsesOpenAIWithAgentOverrides()
    {
        var (options, agent, _) = Build(new()
        {
            ["OpenAI:ApiKey"] = "sk-secret-value",
            ["OpenAI:Model"] = "gpt-realtime-mini",
            ["OpenAI:Voice"] = "cedar",
            ["OpenAI:Instructions"] = "Speak Dutch.",
            ["Agent:GreetFirst"] = "true",
            ["Agent:VadSilenceDurationMs"] = "700",
        });

        Assert.Equal(RealtimeServiceKind.OpenAI, options.Service);
        Assert.Equal(new Uri("https://api.openai.com/v1"), options.EffectiveBaseUrl);
        Assert.Equal("openai-realtime", options.EngineName);
        Assert.Equal(("gpt-realtime-mini", "cedar", "Speak Dutch.", true, 700),
            (agent.Model, agent.Voice, agent.Instructions, agent.GreetFirst, agent.VadSilenceDurationMs));
        var description = options.DescribeEngine(agent.Model);
        Assert.Equal("OpenAI Realtime (gpt-realtime-mini)", description);
        Assert.DoesNotContain("sk-secret-value", description);
    }

    [Fact]
    public void AzureEndpoint_UsesOpenAIV1BaseApiKeyAndDeploymentAsModel()
    {
        var (options, agent, _) = Build(new()
        {
            ["AzureOpenAI:Endpoint"] = "https://contoso.openai.azure.com/",
            ["AzureOpenAI:ApiKey"] = "azure-secret-value",
            ["AzureOpenAI:Deployment"] = "contoso-realtime",
        });

        Assert.Equal(RealtimeServiceKind.AzureOpenAI, options.Service);
        Assert.Equal(new Uri("https://contoso.openai.azure.com/openai/v1"), options.EffectiveBaseUrl);
        Assert.Equal("azure-openai-realtime", options.EngineName);
        Assert.Equal("contoso-realtime", agent.Model);
        Assert.Null(options.Credential);
        Assert.DoesNotContain("azure-secret-value", options.DescribeEngine(agent.Model));
    }

    [Fact]
    public void AzureEndpointWithoutKey_UsesAnEntraCredential()
    {
        var (options, _, _) = Build(new() { ["AzureOpenAI:Endpoint"] = "https://contoso.openai.azure.com/openai/v1" });

        Assert.Equal(new Uri("https://contoso.openai.azure.com/openai/v1"), options.EffectiveBaseUrl);
        Assert.Null(options.ApiKey);
        Assert.NotNull(options.Credential);
    }

    private static (RealtimeEngineOptions Options, AgentOptions Agent, IConversationEngineFactory Factory) Build(
        Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddLogging().AddRealtimeEngine(configuration);
        var provider = services.BuildServiceProvider();
        return (provider.GetRequiredService<IOptions<RealtimeEngineOptions>>().Value,
            provider.GetRequiredService<AgentOptions>(),
            provider.GetRequiredService<IConversationEngineFactory>());
    }
}
