using DvServerless.Adapters.Engines;
using DvServerless.Adapters.Engines.Cascaded;
using DvServerless.Adapters.Engines.Realtime;
using DvServerless.Core.Engines;
using DvServerless.Core.Speech;
using DvServerless.Core.Tts;
using DvServerless.Testing.Cascaded;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace DvServerless.Adapters.Tests.Engines.Cascaded;

public sealed class ConversationEngineSelectorTests
{
    [Fact]
    public async Task Each_agent_gets_the_engine_it_names()
    {
        await using var provider = Build([], offlineParts: true);
        var engines = provider.GetRequiredService<IConversationEngineFactory>();
        var catalog = provider.GetRequiredService<AgentCatalog>();

        await using var realtime = engines.Create("call-1", catalog.For(null));
        await using var cascaded = engines.Create("call-2", catalog.For("sales"));
        await using var offline = engines.Create("call-3", catalog.For("local"));

        Assert.IsType<ConversationEngineSelector>(engines);
        Assert.IsType<RealtimeEngine>(realtime);
        Assert.Equal("cascaded:deepgram+openai/gpt-4o-mini+elevenlabs", Assert.IsType<CascadedEngine>(cascaded).Name);
        Assert.Equal("cascaded:pocketsphinx+offline/offline+espeak", Assert.IsType<CascadedEngine>(offline).Name);
        Assert.Equal("en-us", CascadedEngineFactory.OfflineParts(catalog.For("local").Cascaded).TtsVoice);
        Assert.Equal("ko", CascadedEngineFactory.OfflineParts(new CascadedAgentOptions { Language = "ko-KR" }).TtsVoice);
    }

    [Fact]
    public void A_missing_part_is_named_with_the_setting_that_chose_it()
    {
        using var provider = Build(new() { ["Agents:sales:Cascaded:Stt"] = "nuance", ["Agents:talk:Cascaded:Llm"] = "mistral" });
        var engines = provider.GetRequiredService<IConversationEngineFactory>();
        var catalog = provider.GetRequiredService<AgentCatalog>();

        var stt = Assert.Throws<InvalidOperationException>(() => engines.Create("call-1", catalog.For("sales")));
        var llm = Assert.Throws<InvalidOperationException>(() => engines.Create("call-2", catalog.For("talk")));
        var offline = Assert.Throws<InvalidOperationException>(() => engines.Create("call-3", catalog.For("local")));

        Assert.Contains("'nuance'", stt.Message, StringComparison.Ordinal);
        Assert.Contains("Agent__Cascaded__Stt", stt.Message, StringComparison.Ordinal);
        Assert.Contains("registered: deepgram", stt.Message, StringComparison.Ordinal);
        Assert.Contains("'mistral'", llm.Message, StringComparison.Ordinal);
        Assert.Contains("Agent__Cascaded__Llm", llm.Message, StringComparison.Ordinal);
        Assert.Contains("'pocketsphinx'", offline.Message, StringComparison.Ordinal);
        Assert.Contains("AddOfflineSpeech", offline.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Agent:Engine", "Agent:Engine is 'speech2speech'")]
    [InlineData("Agents:sales:Engine", "Agents:sales:Engine is 'speech2speech'")]
    public void An_unknown_engine_stops_the_app_with_the_list_of_engines(string setting, string expected)
    {
        using var provider = Build(new() { [setting] = "speech2speech" });

        var failure = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<AgentOptions>>().Value);

        Assert.Contains(expected, failure.Message, StringComparison.Ordinal);
        Assert.Contains("realtime, cascaded, offline", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("CONTAINER_APP_NAME", "Agent:Engine", "realtime")]
    [InlineData("WEBSITE_SITE_NAME", "Agents:support:Engine", "realtime")]
    public void In_azure_a_realtime_agent_without_a_model_stops_the_app_naming_the_settings(string azureVariable, string setting, string engine)
    {
        using var provider = Build(new() { [azureVariable] = "dvs", ["Agent:Engine"] = "offline", [setting] = engine });

        var failure = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<AgentOptions>>().Value);

        Assert.Contains($"{setting} is realtime but no model is configured", failure.Message, StringComparison.Ordinal);
        Assert.Contains("OpenAI__ApiKey", failure.Message, StringComparison.Ordinal);
        Assert.Contains("AzureOpenAI__Endpoint", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("OpenAI:ApiKey", "sk-test-not-a-real-key")]
    [InlineData("AzureOpenAI:Endpoint", "https://example.openai.azure.com/")]
    public void In_azure_a_realtime_agent_with_a_model_starts(string key, string value)
    {
        using var provider = Build(new() { ["CONTAINER_APP_NAME"] = "dvs", [key] = value, ["AzureOpenAI:ApiKey"] = "not-a-real-key" });

        Assert.Equal(EngineKinds.Realtime, provider.GetRequiredService<IOptions<AgentOptions>>().Value.Engine);
    }

    [Fact]
    public void In_azure_offline_and_cascaded_agents_need_no_realtime_model_and_locally_the_simulator_is_fine()
    {
        using var inAzure = Build(new() { ["CONTAINER_APP_NAME"] = "dvs", ["Agent:Engine"] = "offline" });
        using var locally = Build(new() { ["Agent:Engine"] = "realtime" });

        Assert.Equal(EngineKinds.Offline, inAzure.GetRequiredService<IOptions<AgentOptions>>().Value.Engine);
        Assert.Equal(EngineKinds.Realtime, locally.GetRequiredService<IOptions<AgentOptions>>().Value.Engine);
    }

    [Fact]
    public void The_selector_wins_whichever_registration_comes_first()
    {
        var configuration = new ConfigurationBuilder().Build();
        using var realtimeFirst = new ServiceCollection().AddLogging().AddRealtimeEngine(configuration).AddConversationEngines(configuration).BuildServiceProvider();
        using var selectorFirst = new ServiceCollection().AddLogging().AddConversationEngines(configuration).AddRealtimeEngine(configuration).BuildServiceProvider();

        Assert.IsType<ConversationEngineSelector>(realtimeFirst.GetRequiredService<IConversationEngineFactory>());
        Assert.IsType<ConversationEngineSelector>(selectorFirst.GetRequiredService<IConversationEngineFactory>());
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings, bool offlineParts = false)
    {
        var all = new Dictionary<string, string?>
        {
            ["Agents:sales:Engine"] = "cascaded",
            ["Agents:sales:Cascaded:Stt"] = "deepgram",
            ["Agents:sales:Cascaded:Tts"] = "elevenlabs",
            ["Agents:talk:Engine"] = "cascaded",
            ["Agents:talk:Cascaded:Stt"] = "deepgram",
            ["Agents:talk:Cascaded:Tts"] = "elevenlabs",
            ["Agents:local:Engine"] = "offline",
        };
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(all).Build();
        var services = new ServiceCollection().AddLogging().AddConversationEngines(configuration).RequireRealtimeModelInAzure(configuration);
        services.AddSingleton<ISpeechToText>(new FakeSpeechToText("deepgram"));
        services.AddSingleton<ITextToSpeech>(new FakeStreamingTextToSpeech("elevenlabs"));
        services.AddKeyedSingleton<IChatClient>("openai", new ScriptedChatClient());
        if (offlineParts)
        {
            services.AddSingleton<ISpeechToText>(new FakeSpeechToText("pocketsphinx"));
            services.AddSingleton<ITextToSpeech>(new FakeStreamingTextToSpeech("espeak"));
            services.AddKeyedSingleton<IChatClient>("offline", new ScriptedChatClient());
        }

        return services.BuildServiceProvider();
    }
}
