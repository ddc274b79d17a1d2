using DvServerless.Adapters.Engines.Realtime;
using DvServerless.Adapters.Speech.Deepgram;
using DvServerless.Adapters.Speech.OpenAI;
using DvServerless.Core.Speech;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace DvServerless.Adapters.Speech;

/// <summary>Registers the cloud speech-to-text providers of the cascaded engine.</summary>
public static class CloudSpeechToTextServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="DeepgramSpeechToText"/> (section <c>Deepgram</c>: <c>ApiKey</c>, <c>BaseUrl</c>, <c>Model</c>,
    /// <c>KeepAliveInterval</c>) and <see cref="RealtimeTranscriptionSpeechToText"/> (section <c>RealtimeTranscription</c>;
    /// endpoint and credentials from <c>OpenAI:*</c> / <c>AzureOpenAI:*</c> as for the Realtime engine, the simulator with
    /// neither) as <see cref="ISpeechToText"/>, each also keyed by its provider name (<c>deepgram</c>, <c>openai</c>).
    /// Both are registered unconfigured too: a provider without its key refuses at <c>StartAsync</c> with a message
    /// naming the setting.
    /// </summary>
    public static IServiceCollection AddCloudSpeechToText(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<DeepgramOptions>().Bind(configuration.GetSection(DeepgramOptions.SectionName))
            .Validate(o => o.BaseUrl is { IsAbsoluteUri: true, Scheme: "ws" or "wss" or "http" or "https" }, "Deepgram:BaseUrl must be an absolute ws(s) or http(s) URL.")
            .Validate(o => o.KeepAliveInterval > TimeSpan.Zero && o.KeepAliveInterval < TimeSpan.FromSeconds(10),
                "Deepgram:KeepAliveInterval must be under 10 s (Deepgram closes an idle stream after 10 s).")
            .Validate(o => !string.IsNullOrWhiteSpace(o.Model), "Deepgram:Model must be set.")
            .ValidateOnStart();
        services.AddOptions<RealtimeTranscriptionOptions>().Bind(configuration.GetSection(RealtimeTranscriptionOptions.SectionName))
            .Validate(o => o.VadThreshold is >= 0 and <= 1, "RealtimeTranscription:VadThreshold must be between 0 and 1.")
            .Validate(o => string.IsNullOrEmpty(o.NoiseReduction) || o.NoiseReduction is "near_field" or "far_field",
                "RealtimeTranscription:NoiseReduction must be near_field, far_field or empty.")
            .ValidateOnStart();
        // The same endpoint as the Realtime engine; configuring it again when AddRealtimeEngine did is harmless (same result).
        services.AddOptions<RealtimeEngineOptions>().Configure(o => RealtimeServiceCollectionExtensions.ConfigureEngine(o, configuration));

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<DeepgramSpeechToText>();
        services.TryAddSingleton<RealtimeTranscriptionSpeechToText>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISpeechToText, DeepgramSpeechToText>(sp => sp.GetRequiredService<DeepgramSpeechToText>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISpeechToText, RealtimeTranscriptionSpeechToText>(
            sp => sp.GetRequiredService<RealtimeTranscriptionSpeechToText>()));
        services.TryAddKeyedSingleton<ISpeechToText>("deepgram", (sp, _) => sp.GetRequiredService<DeepgramSpeechToText>());
        services.TryAddKeyedSingleton<ISpeechToText>("openai", (sp, _) => sp.GetRequiredService<RealtimeTranscriptionSpeechToText>());
        return services;
    }
}
