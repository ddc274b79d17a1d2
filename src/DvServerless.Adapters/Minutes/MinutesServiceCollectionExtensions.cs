using Azure.Storage.Blobs;
using DvServerless.Adapters.Storage;
using DvServerless.Core.Minutes;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace DvServerless.Adapters.Minutes;

/// <summary>Registers the minutes renderer shared by the Functions app (CallDisconnected) and the media worker (end of call).</summary>
public static class MinutesServiceCollectionExtensions
{
    /// <summary>The Blob container of rendered minutes.</summary>
    public const string MinutesContainer = "minutes";

    /// <summary>
    /// Registers <see cref="BlobMinutesStore"/> (container <c>minutes</c>), the <see cref="ChatMinutesSummarizer"/> over
    /// the <see cref="IChatClient"/> in the container — an <see cref="OpenAIChatClient"/> when <c>MinutesChat:ApiKey</c> is
    /// set, none otherwise (a "No summary" line) — and <see cref="MinutesService"/>. Needs <c>AddDvServerlessStorage</c>.
    /// </summary>
    public static IServiceCollection AddDvServerlessMinutes(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<MinutesChatOptions>().Bind(configuration.GetSection(MinutesChatOptions.SectionName));
        // Resolved lazily, so a key added to configuration after registration (tests, the local stack) still counts.
        services.TryAddSingleton<MinutesChatClientHolder>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new BlobMinutesStore(sp.GetRequiredService<BlobServiceClient>().GetBlobContainerClient(MinutesContainer)));
        services.TryAddSingleton<IMinutesSummarizer>(sp => new ChatMinutesSummarizer(sp.GetService<IChatClient>() ?? sp.GetRequiredService<MinutesChatClientHolder>().Client, sp.GetRequiredService<ILogger<ChatMinutesSummarizer>>()));
        services.TryAddSingleton<MinutesService>();
        return services;
    }
}
