using Azure.Storage.Blobs;
using DvServerless.Adapters.Storage;
using DvServerless.Adapters.Tts;
using DvServerless.Adapters.Voices;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace DvServerless.Functions.Voices;

/// <summary>Wires the voice library into the Functions app.</summary>
public static class VoicesFunctions
{
    /// <summary>The Blob container of voice samples and records.</summary>
    public const string ContainerName = "voices";

    /// <summary>The name of the ElevenLabs voice-library <see cref="IHttpClientFactory"/> client.</summary>
    public const string ElevenLabsVoicesHttpClientName = "ElevenLabs.Voices";

    /// <summary>Registers <see cref="VoiceService"/> over the Blob library and the ElevenLabs client (<c>ElevenLabs:ApiKey</c>, <c>ElevenLabs:BaseUrl</c>) and <see cref="VoiceLibraryOptions"/> (<c>Voices:MaxVoicesPerTenant</c>). Needs <c>AddDvServerlessTts</c>.</summary>
    public static IServiceCollection AddVoicesFunctions(this IServiceCollection services)
    {
        services.TryAddSingleton(sp => new BlobVoiceLibrary(sp.GetRequiredService<BlobServiceClient>().GetBlobContainerClient(ContainerName)));
        // Adding a voice is not idempotent: only reads are retried.
        services.AddProviderHttpClient(ElevenLabsVoicesHttpClientName, retryUnsafeMethods: false);
        services.TryAddSingleton(sp => new ElevenLabsVoiceClient(
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(ElevenLabsVoicesHttpClientName), sp.GetRequiredService<IOptions<ElevenLabsOptions>>()));
        services.AddOptions<VoiceLibraryOptions>()
            .BindConfiguration(VoiceLibraryOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton<VoiceService>();
        services.TryAddSingleton<VoiceRequests>();
        return services;
    }
}
