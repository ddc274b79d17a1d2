using DvServerless.Core.Costs;
using DvServerless.MediaWorker.Calls;
using Microsoft.Extensions.DependencyInjection;

namespace DvServerless.MediaWorker.Telemetry;

/// <summary>Registers the per-call telemetry: the <c>dvgw_</c> metrics, live events, summaries and the price table.</summary>
public static class CallTelemetryServiceCollectionExtensions
{
    /// <summary>Adds <see cref="VoiceMetrics"/>, <see cref="CallTelemetryFactory"/> and <see cref="PricingOptions"/> (section <c>Pricing</c>).</summary>
    public static IServiceCollection AddCallTelemetry(this IServiceCollection services)
    {
        services.AddMetrics();
        services.AddSingleton<VoiceMetrics>();
        services.AddSingleton<ICallLoopObserverFactory, CallTelemetryFactory>();
        services.AddOptions<PricingOptions>().BindConfiguration(PricingOptions.SectionName);
        return services;
    }
}
