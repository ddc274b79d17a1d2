using Azure.Monitor.OpenTelemetry.AspNetCore;
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
    public const string AzureMonitorSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary>The setting (environment variable) that turns the OTLP exporter on.</summary>
    public const string OtlpEndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>The setting (environment variable) that chooses the trace sampler, read by the exporters.</summary>
    public const string SamplerSetting = "OTEL_TRACES_SAMPLER";

    /// <summary>The <c>service.name</c> of this app's telemetry.</summary>
    public const string ServiceName = "dvserverless-functions";

    /// <summary>Adds the exporters <paramref name="configuration"/> asks for; nothing when it asks for none.</summary>
    public static IServiceCollection AddFunctionsTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var azureMonitor = !string.IsNullOrWhiteSpace(configuration[AzureMonitorSetting]);
        var otlp = !string.IsNullOrWhiteSpace(configuration[OtlpEndpointSetting]);
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
