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

    /// <summary>Registers <see cref="VoiceService"/> over the Blob library and the ElevenLabs client (<c>ElevenLabs:ApiKey</c>, <c>ElevenLabs:BaseUrl</c>) and <see cref="VoiceLibraryOptions"/> (<c>Voices:MaxVoicesPerTenant</c>). Needs <c>AddDvServerlessTts</c>.</summary>
    public static IServiceCollection AddVoicesFunctions(this IServiceCollection services)
    {
        services.TryAddSingleton(sp => new BlobVoiceLibrary(sp.GetRequiredService<BlobServiceClient>().GetBlobContainerClient(ContainerName)));
        services.TryAddSingleton(sp => new ElevenLabsVoiceClient(TtsServiceCollectionExtensions.ProviderHttpClient(), sp.GetRequiredService<IOptions<ElevenLabsOptions>>()));
        services.AddOptions<VoiceLibraryOptions>()
            .BindConfiguration(VoiceLibraryOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton<VoiceService>();
        services.TryAddSingleton<VoiceRequests>();
        return services;
    }
}
