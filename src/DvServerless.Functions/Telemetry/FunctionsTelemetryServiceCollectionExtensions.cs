using DvServerless.Adapters.Live;
using DvServerless.Adapters.Telemetry;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace DvServerless.Functions.Telemetry;

/// <summary>
/// Registers the Functions app's OpenTelemetry: traces (<see cref="FunctionsTracing"/>, ASP.NET Core, HttpClient) and
/// the HTTP metrics, exported to Azure Monitor when <see cref="AzureMonitorSetting"/> is set and over OTLP when
/// <see cref="OtlpEndpointSetting"/> is set. With neither (the local default) nothing is registered, nothing listens and
/// nothing is exported.
/// </summary>
public static class FunctionsTelemetryServiceCollectionExtensions
{
    /// <summary>The setting (environment variable) that turns the Azure Monitor exporter on.</summary>
    public const string AzureMonitorSetting = TelemetryExporters.AzureMonitorSetting;

    /// <summary>The setting (environment variable) that turns the OTLP exporter on.</summary>
    public const string OtlpEndpointSetting = TelemetryExporters.OtlpEndpointSetting;

    /// <summary>The setting (environment variable) that chooses the trace sampler, read by the exporters.</summary>
    public const string SamplerSetting = TelemetryExporters.SamplerSetting;

    /// <summary>The <c>service.name</c> of this app's telemetry.</summary>
    public const string ServiceName = "dvserverless-functions";

    /// <summary>Adds the exporters <paramref name="configuration"/> asks for; nothing when it asks for none.</summary>
    public static IServiceCollection AddFunctionsTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var azureMonitor = TelemetryExporters.AzureMonitorConfigured(configuration);
        var otlp = TelemetryExporters.OtlpConfigured(configuration);
        if (!azureMonitor && !otlp)
        {
            return services;
        }

        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ServiceName))
            .WithTracing(tracing =>
            {
                tracing.AddSource(FunctionsTracing.SourceName);
                if (!azureMonitor)
                {
                    // The Azure Monitor distro adds these two itself; adding them twice would handle every request twice.
                    tracing.AddAspNetCoreInstrumentation().AddHttpClientInstrumentation();
                }
            })
            .WithMetrics(metrics =>
            {
                // Live events the app could not send (queue full, service refused) are worth an alert.
                metrics.AddMeter(AzureSignalRLiveEventPublisher.MeterName);
                if (!azureMonitor)
                {
                    metrics.AddAspNetCoreInstrumentation().AddHttpClientInstrumentation();
                }
            });

        telemetry.UseConfiguredExporters(configuration);

        return services;
    }
}
