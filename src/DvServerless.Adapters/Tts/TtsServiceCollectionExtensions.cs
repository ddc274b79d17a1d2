using Azure.Storage.Blobs;
using DvServerless.Adapters.Storage;
using DvServerless.Core.Tts;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DvServerless.Adapters.Tts;

/// <summary>Registers the TTS providers, the Blob prompt cache and the warm-up, shared by the Functions app and the media worker.</summary>
public static class TtsServiceCollectionExtensions
{
    /// <summary>The Blob container of the prompt cache (entries and per-tenant prompt lists).</summary>
    public const string CacheContainer = "tts-cache";

    /// <summary>The prompt name of the greeting the worker plays when media connects.</summary>
    public const string GreetingPrompt = "greeting";

    /// <summary>The tenant used until a call or request names one.</summary>
    public const string DefaultTenant = "default";

    /// <summary>The name of the ElevenLabs TTS <see cref="IHttpClientFactory"/> client.</summary>
    public const string ElevenLabsTtsHttpClientName = "ElevenLabs.Tts";

    /// <summary>The name of the OpenAI TTS <see cref="IHttpClientFactory"/> client.</summary>
    public const string OpenAITtsHttpClientName = "OpenAI.Tts";

    private static readonly TimeSpan ProviderAttemptTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ProviderTotalTimeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Registers ElevenLabs (<c>ElevenLabs</c> section), OpenAI TTS (<c>OpenAITts</c>) and espeak-ng as
    /// <see cref="ITextToSpeech"/> (ElevenLabs and OpenAI also as <see cref="IStreamingTextToSpeech"/>), the <see cref="BlobTtsCache"/> (policy from <c>TtsCache</c>: <c>TimeToLive</c>,
    /// <c>MaxEntries</c>) and the <see cref="TtsWarmupService"/> (<c>TtsWarmup</c>). When <c>TtsWarmup:DefaultProvider</c>
    /// is not set, the default provider is ElevenLabs when its key is set, else OpenAI TTS when its key is set, else
    /// espeak-ng. <c>Agent:Greeting</c> (absent: <see cref="DefaultGreeting.Text"/>; empty: none) becomes the <c>greeting</c> prompt of the default tenant unless a
    /// prompt list names one. Needs <c>AddDvServerlessStorage</c>.
    /// </summary>
    public static IServiceCollection AddDvServerlessTts(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<ElevenLabsOptions>().Bind(configuration.GetSection(ElevenLabsOptions.SectionName))
            .Validate(o => o.BaseUrl is { IsAbsoluteUri: true }, "ElevenLabs:BaseUrl must be an absolute URL.")
            .ValidateOnStart();
        services.AddOptions<OpenAITtsOptions>().Bind(configuration.GetSection(OpenAITtsOptions.SectionName))
            .Validate(o => o.BaseUrl is { IsAbsoluteUri: true }, "OpenAITts:BaseUrl must be an absolute URL.")
            .ValidateOnStart();
        services.AddOptions<TtsWarmupOptions>().Bind(configuration.GetSection(TtsWarmupOptions.SectionName))
            .PostConfigure<IOptions<ElevenLabsOptions>, IOptions<OpenAITtsOptions>>((warmup, elevenLabs, openAI) =>
                ApplyDefaults(warmup, configuration, elevenLabs.Value, openAI.Value))
            .Validate(o => o.DefaultSampleRate is 8_000 or 16_000 or 24_000, "TtsWarmup:DefaultSampleRate must be 8000, 16000 or 24000.")
            .Validate(o => IsSchedule(o.Schedule), "TtsWarmup:Schedule must be a five- or six-field cron expression such as \"0 */30 * * * *\".")
            .ValidateOnStart();

        services.TryAddSingleton(TimeProvider.System);
        // Speech synthesis has no side effect but its cost, so its POSTs may be repeated.
        services.AddProviderHttpClient(ElevenLabsTtsHttpClientName, retryUnsafeMethods: true);
        services.AddProviderHttpClient(OpenAITtsHttpClientName, retryUnsafeMethods: true);
        services.TryAddSingleton(sp => new ElevenLabsTextToSpeech(
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(ElevenLabsTtsHttpClientName), sp.GetRequiredService<IOptions<ElevenLabsOptions>>()));
        services.TryAddSingleton(sp => new OpenAITextToSpeech(
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(OpenAITtsHttpClientName), sp.GetRequiredService<IOptions<OpenAITtsOptions>>()));
        services.TryAddSingleton<EspeakTextToSpeech>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ITextToSpeech, ElevenLabsTextToSpeech>(sp => sp.GetRequiredService<ElevenLabsTextToSpeech>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ITextToSpeech, OpenAITextToSpeech>(sp => sp.GetRequiredService<OpenAITextToSpeech>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ITextToSpeech, EspeakTextToSpeech>(sp => sp.GetRequiredService<EspeakTextToSpeech>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IStreamingTextToSpeech, ElevenLabsTextToSpeech>(sp => sp.GetRequiredService<ElevenLabsTextToSpeech>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IStreamingTextToSpeech, OpenAITextToSpeech>(sp => sp.GetRequiredService<OpenAITextToSpeech>()));

        services.TryAddSingleton(sp => new BlobTtsCache(
            CacheContainerOf(sp),
            configuration.GetSection("TtsCache").Get<TtsCachePolicy>() ?? new TtsCachePolicy(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<BlobTtsCache>>()));
        services.TryAddSingleton(sp => new TtsWarmupService(
            sp.GetRequiredService<BlobTtsCache>(),
            sp.GetServices<ITextToSpeech>(),
            CacheContainerOf(sp),
            sp.GetRequiredService<IOptions<TtsWarmupOptions>>(),
            sp.GetRequiredService<ILogger<TtsWarmupService>>()));
        return services;
    }

    /// <summary>The request the warm-up makes for <paramref name="prompt"/>: the greeting is looked up with the same key.</summary>
    public static TtsRequest RequestOf(TtsPrompt prompt, TtsWarmupOptions options, int? sampleRate = null)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(options);
        return new TtsRequest(prompt.Text, prompt.Voice ?? options.DefaultVoice,
            new Core.Audio.AudioFormat(sampleRate ?? prompt.SampleRate ?? options.DefaultSampleRate), prompt.Model, prompt.Options ?? options.AgentVoiceOptions);
    }

    /// <summary>
    /// Registers the <see cref="IHttpClientFactory"/> client <paramref name="name"/> for a provider API (pooled connections
    /// the factory recycles) with the standard resilience pipeline: at most 3 retries with exponential backoff and jitter,
    /// honouring <c>Retry-After</c>, of 5xx, 408, 429, timeouts and transport failures; 30 s per attempt, 60 s in all; a
    /// circuit breaker. Without <paramref name="retryUnsafeMethods"/>, POST, PUT, PATCH and DELETE are never retried (for
    /// requests that change something, such as adding a voice).
    /// </summary>
    public static IHttpClientBuilder AddProviderHttpClient(this IServiceCollection services, string name, bool retryUnsafeMethods)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrEmpty(name);
        var builder = services.AddHttpClient(name, client => client.Timeout = Timeout.InfiniteTimeSpan);
        builder.AddStandardResilienceHandler(options =>
        {
            options.AttemptTimeout.Timeout = ProviderAttemptTimeout;
            options.TotalRequestTimeout.Timeout = ProviderTotalTimeout;
            // The breaker must sample at least two attempts' worth of time.
            options.CircuitBreaker.SamplingDuration = 2 * ProviderAttemptTimeout;
            if (!retryUnsafeMethods)
            {
                options.Retry.DisableForUnsafeHttpMethods();
            }
        });
        return builder;
    }

    private static BlobContainerClient CacheContainerOf(IServiceProvider sp) =>
        sp.GetRequiredService<BlobServiceClient>().GetBlobContainerClient(CacheContainer);

    private static void ApplyDefaults(TtsWarmupOptions warmup, IConfiguration configuration, ElevenLabsOptions elevenLabs, OpenAITtsOptions openAI)
    {
        var section = configuration.GetSection(TtsWarmupOptions.SectionName);
        if (string.IsNullOrWhiteSpace(section["DefaultProvider"]))
        {
            // Real voices when a key exists; the offline voice keeps everything working without one.
            (warmup.DefaultProvider, var voice) = elevenLabs.IsConfigured ? ("elevenlabs", "uyVNoMrnUku1dZyVEXwD")
                : openAI.IsConfigured ? ("openai", "marin")
                : ("espeak", "en-us");
            if (string.IsNullOrWhiteSpace(section["DefaultVoice"]))
            {
                warmup.DefaultVoice = voice;
            }
        }

        // The agent's voice, read as the agent binds it (a value the binder cannot read fails the agent's own start-up check).
        var overrides = new VoiceOptionOverrides();
        configuration.GetSection("Agent:VoiceOptions").Bind(overrides);
        warmup.AgentVoiceOptions ??= VoicePresets.Resolve(configuration["Agent:VoicePreset"], overrides);

        // Absent: the default greeting; explicitly empty: none (DefaultGreeting).
        var greeting = DefaultGreeting.Resolve(configuration["Agent:Greeting"]);
        if (greeting is not null)
        {
            if (!warmup.Tenants.TryGetValue(DefaultTenant, out var prompts))
            {
                warmup.Tenants[DefaultTenant] = prompts = [];
            }

            if (!prompts.Any(p => p.Name == GreetingPrompt))
            {
                prompts.Add(new TtsPrompt(GreetingPrompt, greeting));
            }
        }
    }

    private static bool IsSchedule(string? schedule)
    {
        try
        {
            CronosSchedule.Parse(schedule!);
            return true;
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            return false;
        }
    }
}
