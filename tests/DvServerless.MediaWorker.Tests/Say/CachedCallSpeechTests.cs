using Azure.Storage.Blobs;
using DvServerless.Adapters.Engines;
using DvServerless.Adapters.Storage;
using DvServerless.Adapters.Tts;
using DvServerless.Core.Audio;
using DvServerless.Core.Engines;
using DvServerless.Core.Tts;
using DvServerless.MediaWorker.Say;
using DvServerless.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace DvServerless.MediaWorker.Tests.Say;

/// <summary>A call's injected speech reaches the TTS provider in the voice and delivery of the agent the call runs.</summary>
public sealed class CachedCallSpeechTests : IClassFixture<AzuriteFixture>
{
    private static readonly Dictionary<string, string?> NamedAgents = new()
    {
        // A Realtime agent with its own voice and preset.
        ["Agents:sales:Voice"] = "cedar",
        ["Agents:sales:VoicePreset"] = "en-US-calm",
        // A cascaded agent that speaks Korean through espeak-ng.
        ["Agents:kora:Engine"] = "cascaded",
        ["Agents:kora:Cascaded:Tts"] = "espeak",
        ["Agents:kora:Cascaded:TtsVoice"] = "ko",
        ["Agents:kora:VoicePreset"] = "ko-KR-warm",
        // A named agent that changes nothing about its voice.
        ["Agents:plain:Instructions"] = "Answer billing questions.",
    };

    private readonly AzuriteFixture _azurite;
    private readonly RecordingTts _openAI = new("openai");
    private readonly RecordingTts _espeak = new("espeak");

    public CachedCallSpeechTests(AzuriteFixture azurite) => _azurite = azurite;

    [SkippableFact]
    public async Task A_named_realtime_agents_say_reaches_the_provider_in_that_agents_voice_and_preset()
    {
        var speech = Speech(defaultProvider: "openai", defaultVoice: "marin");

        await speech.SpeakAsync("acme", "sales", "Your order has shipped.", null, AudioFormat.Pcm16k, default);

        var request = Assert.Single(_openAI.Requests);
        Assert.Equal("cedar", request.Voice);
        Assert.Equal(VoicePresets.Resolve("en-US-calm", new VoiceOptionOverrides()), request.Options);
        Assert.Equal(16_000, request.OutputFormat.SampleRate);
        Assert.Empty(_espeak.Requests);
    }

    [SkippableFact]
    public async Task A_named_cascaded_agents_say_speaks_with_its_engines_provider_voice_and_preset()
    {
        var speech = Speech(defaultProvider: "openai", defaultVoice: "marin");

        await speech.SpeakAsync("acme", "kora", "주문이 발송되었습니다.", null, AudioFormat.Pcm24k, default);

        var request = Assert.Single(_espeak.Requests);
        Assert.Equal("ko", request.Voice);
        Assert.Equal(VoicePresets.Resolve("ko-KR-warm", new VoiceOptionOverrides()), request.Options);
        Assert.Empty(_openAI.Requests);
    }

    [SkippableFact]
    public async Task A_voice_the_request_names_is_kept_with_the_agents_delivery()
    {
        var speech = Speech(defaultProvider: "openai", defaultVoice: "marin");

        await speech.SpeakAsync("acme", "sales", "Hello.", "alloy", AudioFormat.Pcm24k, default);

        var request = Assert.Single(_openAI.Requests);
        Assert.Equal("alloy", request.Voice);
        Assert.Equal(VoicePresets.Resolve("en-US-calm", new VoiceOptionOverrides()), request.Options);
    }

    [SkippableFact]
    public async Task The_default_agent_an_unknown_agent_and_an_agent_without_voice_settings_speak_with_the_warmup_defaults()
    {
        var speech = Speech(defaultProvider: "openai", defaultVoice: "verse");

        await speech.SpeakAsync("acme", null, "One.", null, AudioFormat.Pcm24k, default);
        await speech.SpeakAsync("acme", "gone", "Two.", null, AudioFormat.Pcm24k, default);
        await speech.SpeakAsync("acme", "plain", "Three.", null, AudioFormat.Pcm24k, default);

        Assert.Equal(3, _openAI.Requests.Count);
        Assert.All(_openAI.Requests, r => Assert.Equal("verse", r.Voice));
        Assert.All(_openAI.Requests, r => Assert.Null(r.Options));
    }

    [SkippableFact]
    public async Task A_realtime_voice_is_not_sent_to_a_provider_that_lacks_it_but_the_agents_delivery_is()
    {
        var speech = Speech(defaultProvider: "espeak", defaultVoice: "en-us");

        await speech.SpeakAsync("acme", "sales", "Hello.", null, AudioFormat.Pcm24k, default);

        var request = Assert.Single(_espeak.Requests);
        Assert.Equal("en-us", request.Voice);
        Assert.Equal(VoicePresets.Resolve("en-US-calm", new VoiceOptionOverrides()), request.Options);
    }

    [SkippableFact]
    public async Task The_same_text_is_cached_per_agent_voice_each_repeat_is_a_hit()
    {
        var speech = Speech(defaultProvider: "openai", defaultVoice: "marin");

        await speech.SpeakAsync("acme", null, "Please hold.", null, AudioFormat.Pcm24k, default);
        await speech.SpeakAsync("acme", "sales", "Please hold.", null, AudioFormat.Pcm24k, default);
        await speech.SpeakAsync("acme", null, "Please hold.", null, AudioFormat.Pcm24k, default);
        await speech.SpeakAsync("acme", "sales", "Please hold.", null, AudioFormat.Pcm24k, default);

        // Two voices, two syntheses: the default agent's line is not served in the sales agent's voice, nor the reverse.
        Assert.Equal(["marin", "cedar"], _openAI.Requests.Select(r => r.Voice));
    }

    private CachedCallSpeech Speech(string defaultProvider, string defaultVoice)
    {
        var cache = new BlobTtsCache(new BlobContainerClient(_azurite.Require(), "tts-" + Guid.NewGuid().ToString("N")[..12]),
            new TtsCachePolicy(), TimeProvider.System, NullLogger<BlobTtsCache>.Instance);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(NamedAgents).Build();
        var warmup = new TtsWarmupOptions { DefaultProvider = defaultProvider, DefaultVoice = defaultVoice };
        return new CachedCallSpeech(cache, [_openAI, _espeak], Options.Create(warmup), new AgentCatalog(new AgentOptions(), configuration));
    }

    private sealed class RecordingTts(string provider) : ITextToSpeech
    {
        public List<TtsRequest> Requests { get; } = [];

        public string Provider => provider;

        public string DefaultModel => "model";

        public Task<byte[]> SynthesizeAsync(TtsRequest request, CancellationToken cancellationToken = default)
        {
            lock (Requests)
            {
                Requests.Add(request);
            }

            return Task.FromResult(new byte[request.OutputFormat.BytesPerMillisecond * 100]);
        }
    }
}
