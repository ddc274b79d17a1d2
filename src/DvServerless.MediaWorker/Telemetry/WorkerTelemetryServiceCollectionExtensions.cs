using DvServerless.Adapters.Telemetry;
using DvServerless.MediaWorker.Calls;
using DvServerless.MediaWorker.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Instrumentation.AspNetCore;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace DvServerless.MediaWorker.Telemetry;

/// <summary>
/// Registers the worker's OpenTelemetry: the metrics of <see cref="MediaWorkerMetrics"/> and <see cref="VoiceMetrics"/>
/// on the Prometheus endpoint (always), the per-call spans (<see cref="CallTraceObserverFactory"/>), and, when
/// <see cref="AzureMonitorSetting"/> or <see cref="OtlpEndpointSetting"/> is set, traces (calls, ASP.NET Core, HttpClient)
/// and those metrics exported there. With neither (the local default) nothing listens to the spans and nothing is exported.
/// </summary>
public static class WorkerTelemetryServiceCollectionExtensions
{
    /// <summary>The setting (environment variable) that turns the Azure Monitor exporter on.</summary>
    public const string AzureMonitorSetting = TelemetryExporters.AzureMonitorSetting;

    /// <summary>The setting (environment variable) that turns the OTLP exporter on.</summary>
    public const string OtlpEndpointSetting = TelemetryExporters.OtlpEndpointSetting;

    /// <summary>The setting (environment variable) that chooses the trace sampler, read by the exporters.</summary>
    public const string SamplerSetting = TelemetryExporters.SamplerSetting;

    /// <summary>The <c>service.name</c> of this app's telemetry.</summary>
    public const string ServiceName = "dvserverless-mediaworker";

    /// <summary>Adds the worker's metrics, call spans and the exporters <paramref name="configuration"/> asks for.</summary>
    public static IServiceCollection AddWorkerTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddSingleton<ICallLoopObserverFactory, CallTraceObserverFactory>();

        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ServiceName))
            .WithMetrics(metrics => metrics
                // System.Runtime: the runtime's own meter (heap, collections, thread pool), what an operator reads beside the calls.
                .AddMeter(MediaWorkerMetrics.MeterName, VoiceMetrics.MeterName, "System.Runtime")
                .AddPrometheusExporter());

        var azureMonitor = TelemetryExporters.AzureMonitorConfigured(configuration);
        var otlp = TelemetryExporters.OtlpConfigured(configuration);
        if (!azureMonitor && !otlp)
        {
            return services;
        }

        // Scrapes and health probes come every few seconds and say nothing about calls.
        services.Configure<AspNetCoreTraceInstrumentationOptions>(options =>
            options.Filter = context => !context.Request.Path.StartsWithSegments("/metrics") && !context.Request.Path.StartsWithSegments("/healthz")
                && !context.Request.Path.StartsWithSegments(Hosting.ReadinessEndpoint.Path));
        telemetry.WithTracing(tracing =>
        {
            tracing.AddSource(CallTraceSource.Name);
            if (!azureMonitor)
            {
                // The Azure Monitor distro adds these two itself; adding them twice would handle every request twice.
                tracing.AddAspNetCoreInstrumentation().AddHttpClientInstrumentation();
            }
        });

        telemetry.UseConfiguredExporters(configuration);

        return services;
    }
}
