using Azure.Monitor.OpenTelemetry.AspNetCore;
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
    public const string AzureMonitorSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary>The setting (environment variable) that turns the OTLP exporter on.</summary>
    public const string OtlpEndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>The setting (environment variable) that chooses the trace sampler, read by the exporters.</summary>
    public const string SamplerSetting = "OTEL_TRACES_SAMPLER";

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
                .AddMeter(MediaWorkerMetrics.MeterName, VoiceMetrics.MeterName)
                .AddPrometheusExporter());

        var azureMonitor = !string.IsNullOrWhiteSpace(configuration[AzureMonitorSetting]);
        var otlp = !string.IsNullOrWhiteSpace(configuration[OtlpEndpointSetting]);
        if (!azureMonitor && !otlp)
        {
            return services;
        }

        // Scrapes and health probes come every few seconds and say nothing about calls.
        services.Configure<AspNetCoreTraceInstrumentationOptions>(options =>
            options.Filter = context => !context.Request.Path.StartsWithSegments("/metrics") && !context.Request.Path.StartsWithSegments("/healthz"));
        telemetry.WithTracing(tracing =>
        {
            tracing.AddSource(CallTraceSource.Name);
            if (!azureMonitor)
            {
                // The Azure Monitor distro adds these two itself; adding them twice would handle every request twice.
                tracing.AddAspNetCoreInstrumentation().AddHttpClientInstrumentation();
            }
        });

        if (azureMonitor)
        {
            // Reads the connection string from configuration itself. Its default sampler (5 traces a second, rate-limited)
            // decides in each app on its own, ignoring the parent's decision, so a call's spans could be kept in one app
            // and dropped in the other: all traces are kept unless OTEL_TRACES_SAMPLER chooses otherwise.
            var keepAll = string.IsNullOrWhiteSpace(configuration[SamplerSetting]);
            // An Application Insights resource without local auth takes only Entra ID tokens: the app's managed identity.
            var credential = ApplicationInsightsAuthentication.CredentialFrom(configuration[ApplicationInsightsAuthentication.SettingName]);
            telemetry.UseAzureMonitor(options =>
            {
                if (keepAll)
                {
                    options.SamplingRatio = 1.0F;
                    options.TracesPerSecond = null;
                }

                if (credential is not null)
                {
                    options.Credential = credential;
                }
            });
        }

        if (otlp)
        {
            // Reads OTEL_EXPORTER_OTLP_* (endpoint, protocol, headers) from configuration itself.
            telemetry.UseOtlpExporter();
        }

        return services;
    }
}
