using DvServerless.Adapters.Acs;
using DvServerless.MediaWorker.Calls.Tools;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace DvServerless.MediaWorker.Calls;

/// <summary>Registers how the worker acts on a call: hang up and transfer through ACS when an ACS resource is configured.</summary>
public static class CallControlServiceCollectionExtensions
{
    /// <summary>
    /// With <c>Acs:ConnectionString</c> or <c>Acs:Endpoint</c> set, <see cref="ICallControl"/> is <see cref="AcsCallControl"/>
    /// (the agent's <c>end_call</c> hangs up through Call Automation), and with <c>Acs:TransferTarget</c> too the agent is
    /// offered the <c>transfer</c> tool. Without them, <see cref="LoggingCallControl"/>: the leg closing ends a call and no
    /// transfer is offered. Read when first resolved, so settings a host adds after this call count.
    /// </summary>
    public static IServiceCollection AddCallControl(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddAcsCallAutomation(configuration);
        services.TryAddSingleton<ICallControl>(provider => provider.GetRequiredService<IOptions<AcsOptions>>().Value.IsConfigured
            ? ActivatorUtilities.CreateInstance<AcsCallControl>(provider)
            : ActivatorUtilities.CreateInstance<LoggingCallControl>(provider));
        services.AddSingleton<ICallToolHandler>(provider =>
            new TransferToolHandler(provider.GetRequiredService<ICallControl>(), provider.GetRequiredService<IOptions<AcsOptions>>().Value.TransferTarget));
        return services;
    }
}
