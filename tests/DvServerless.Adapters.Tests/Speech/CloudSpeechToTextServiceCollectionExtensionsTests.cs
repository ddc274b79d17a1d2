using DvServerless.Adapters.Engines.Realtime;
using DvServerless.Adapters.Speech;
using DvServerless.Adapters.Speech.Deepgram;
using DvServerless.Core.Speech;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace DvServerless.Adapters.Tests.Speech;

public sealed class CloudSpeechToTextServiceCollectionExtensionsTests
{
    [Fact]
    public void Both_providers_resolve_by_name_and_in_the_list_with_their_settings()
    {
        using var services = Provider(("Deepgram:ApiKey", "dg-key"), ("Deepgram:Model", "nova-2-phonecall"), ("OpenAI:ApiKey", "sk-test"));

        Assert.Equal("deepgram", services.GetRequiredKeyedService<ISpeechToText>("deepgram").Provider);
        Assert.Equal("openai", services.GetRequiredKeyedService<ISpeechToText>("openai").Provider);
        Assert.Equal(["deepgram", "openai"], services.GetServices<ISpeechToText>().Select(s => s.Provider).Order());
        Assert.Equal("nova-2-phonecall", services.GetRequiredService<IOptions<DeepgramOptions>>().Value.Model);
        var endpoint = services.GetRequiredService<IOptions<RealtimeEngineOptions>>().Value;
        Assert.Equal(RealtimeServiceKind.OpenAI, endpoint.Service);
        Assert.Equal("sk-test", endpoint.ApiKey);
    }

    [Fact]
    public void A_keep_alive_interval_past_deepgrams_idle_limit_fails_validation()
    {
        using var services = Provider(("Deepgram:KeepAliveInterval", "00:00:12"));

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<DeepgramOptions>>().Value);
        Assert.Contains("KeepAliveInterval", error.Message);
    }

    private static ServiceProvider Provider(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddCloudSpeechToText(configuration);
        return services.BuildServiceProvider();
    }
}
