using DvServerless.Adapters.CallActions;
using DvServerless.Functions.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace DvServerless.Functions.CallActions;

/// <summary>Wires the media worker's call actions (hang-up, transfer of ACS calls) into the Functions app.</summary>
public static class CallActionServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="CallActionService"/> and <see cref="CallActionQueueHandler"/> and, when the app runs standalone
    /// (under the Functions host the <c>CallAction</c> queue trigger runs instead), <see cref="StandaloneCallActionPoller"/>.
    /// Needs <c>AddDvServerlessStorage</c> and <c>AddAcsCallAutomation</c>.
    /// </summary>
    public static IServiceCollection AddCallActions(this IServiceCollection services, FunctionsHostingMode mode)
    {
        ArgumentNullException.ThrowIfNull(mode);
        services.TryAddSingleton<CallActionQueueAccess>();
        services.TryAddSingleton<CallActionService>();
        services.TryAddSingleton<CallActionQueueHandler>();
        if (!mode.UnderFunctionsHost)
        {
            services.AddHostedService<StandaloneCallActionPoller>();
        }

        return services;
    }
}
