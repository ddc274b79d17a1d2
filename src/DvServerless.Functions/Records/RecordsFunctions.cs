using Azure.Storage.Blobs;
using DvServerless.Adapters.Minutes;

namespace DvServerless.Functions.Records;

/// <summary>Wires call records and minutes into the Functions app.</summary>
public static class RecordsFunctions
{
    /// <summary>Registers minutes rendering on call end, the conference store and <see cref="MinutesOptions"/>.</summary>
    public static IServiceCollection AddRecordsFunctions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MinutesOptions>()
            .Bind(configuration.GetSection(MinutesOptions.SectionName))
            .Validate(o => o.WorkerEndGrace >= TimeSpan.Zero && o.WorkerEndGrace <= TimeSpan.FromSeconds(30), "Minutes:WorkerEndGrace must be between 00:00:00 and 00:00:30.")
            .Validate(o => o.RetryAfterSeconds is >= 1 and <= 3600, "Minutes:RetryAfterSeconds must be between 1 and 3600.")
            .ValidateOnStart();
        services.AddOptions<ConferenceOptions>()
            .Bind(configuration.GetSection(ConferenceOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddDvServerlessMinutes(configuration);
        services.AddSingleton(sp => new BlobConferenceStore(sp.GetRequiredService<BlobServiceClient>().GetBlobContainerClient(BlobConferenceStore.ContainerName)));
        services.AddSingleton<CallMinutesQuery>();
        services.AddSingleton<ConferenceService>();
        services.AddSingleton<MinutesOnCallEnded>();
        services.AddSingleton<CallEndedQueue>();
        services.AddSingleton<ICallEndedHandler>(sp => sp.GetRequiredService<CallEndedQueue>());
        services.AddHostedService(sp => sp.GetRequiredService<CallEndedQueue>());
        return services;
    }
}
