using DvServerless.Adapters.CallActions;
using DvServerless.MediaWorker.Calls.Tools;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DvServerless.MediaWorker.Calls;

/// <summary>Registers how the worker acts on a call: hang up and transfer ACS calls by asking the Functions app.</summary>
public static partial class CallControlServiceCollectionExtensions
{
    /// <summary>
    /// <see cref="ICallControl"/> is <see cref="QueuedAcsCallControl"/> when the storage settings name a Queue service (the
    /// agent's <c>end_call</c> on an ACS call asks the Functions app to hang up), else <see cref="LoggingCallControl"/>: the
    /// leg closing ends a call. With <c>CallActions:OfferTransfer</c> the agent is offered the <c>transfer</c> tool. The
    /// worker holds no ACS access: <c>Acs:*</c> settings are ignored, with a warning. Read when first resolved, so settings
    /// a host adds after this call count.
    /// </summary>
    public static IServiceCollection AddCallControl(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<CallActionOptions>().Bind(configuration.GetSection(CallActionOptions.SectionName));
        services.TryAddSingleton<CallActionQueueAccess>();
        services.TryAddSingleton<ICallControl>(provider =>
        {
            var logger = provider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(CallControlServiceCollectionExtensions));
            if (!string.IsNullOrWhiteSpace(configuration["Acs:ConnectionString"]) || !string.IsNullOrWhiteSpace(configuration["Acs:Endpoint"]))
            {
                LogAcsSettingsIgnored(logger);
            }

            if (provider.GetRequiredService<CallActionQueueAccess>().Queue is not { } queue)
            {
                LogNoCallActionQueue(logger);
                return ActivatorUtilities.CreateInstance<LoggingCallControl>(provider);
            }

            return ActivatorUtilities.CreateInstance<QueuedAcsCallControl>(provider, new StorageCallActionSender(queue));
        });
        services.AddSingleton<ICallToolHandler>(provider => new TransferToolHandler(provider.GetRequiredService<ICallControl>(), target: null,
            offered: provider.GetRequiredService<IOptions<CallActionOptions>>().Value.OfferTransfer));
        return services;
    }

    [LoggerMessage(EventId = 9414, Level = LogLevel.Warning,
        Message = "Acs:ConnectionString / Acs:Endpoint is set on the media worker but no longer used: the Functions app hangs up and transfers ACS calls (queue dvs-call-actions); remove the setting and the worker's ACS role")]
    private static partial void LogAcsSettingsIgnored(ILogger logger);

    [LoggerMessage(EventId = 9415, Level = LogLevel.Warning,
        Message = "The storage settings name no Queue service: the agent's end_call and transfer cannot reach the Functions app; ACS calls end only when the caller hangs up")]
    private static partial void LogNoCallActionQueue(ILogger logger);
}
