using DvServerless.Adapters.Llm.Offline;
using DvServerless.Adapters.Speech.Offline;
using DvServerless.Core.Speech;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace DvServerless.Adapters.Tests.Speech.Offline;

/// <summary>What <c>AddOfflineSpeech</c> gives an app: the recognizer among the speech-to-text providers and the keyed responder.</summary>
public sealed class OfflineSpeechServiceCollectionExtensionsTests
{
    [Fact]
    public async Task Registers_the_recognizer_beside_other_providers_and_the_responder_under_its_key()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Speech:Offline:PartialIntervalMs"] = "300",
            ["Speech:Offline:ModelDirectory"] = "/opt/models/en-us",
            ["Agent:Offline:Intents:parking:Keywords:0"] = "parking",
            ["Agent:Offline:Intents:parking:Reply"] = "Parking is free.",
        }).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton<ISpeechToText, OtherSpeechToText>();
        services.AddOfflineSpeech(configuration).AddOfflineSpeech(configuration);
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        var providers = provider.GetServices<ISpeechToText>().Select(s => s.Provider).ToList();
        Assert.Equal(["other", "pocketsphinx"], providers);
        var options = provider.GetRequiredService<IOptions<PocketSphinxOptions>>().Value;
        Assert.Equal(300, options.PartialIntervalMs);
        Assert.Equal("/opt/models/en-us/en-us.lm.bin", options.ResolvePaths().LanguageModel);

        var responder = provider.GetRequiredKeyedService<IChatClient>(OfflineSpeechServiceCollectionExtensions.ResponderKey);
        Assert.IsType<OfflineResponder>(responder);
        Assert.Null(provider.GetService<IChatClient>());
        Assert.Equal("Parking is free.", (await responder.GetResponseAsync([new ChatMessage(ChatRole.User, "is there parking")])).Text);
    }

    [Fact]
    public async Task A_setting_out_of_range_fails_with_its_name()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Speech:Offline:PartialIntervalMs"] = "5",
        }).Build();
        await using var provider = new ServiceCollection().AddLogging().AddOfflineSpeech(configuration).BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<PocketSphinxOptions>>().Value);
        Assert.Contains("PartialIntervalMs", error.Message, StringComparison.Ordinal);
    }

    private sealed class OtherSpeechToText : ISpeechToText
    {
        public string Provider => "other";

        public Core.Audio.AudioFormat InputFormat => Core.Audio.AudioFormat.Pcm16k;

        public Task<ISpeechRecognition> StartAsync(SpeechRecognitionOptions options, CancellationToken cancellationToken) =>
            throw new NotSupportedException();
    }
}
