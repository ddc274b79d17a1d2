using Azure.Monitor.OpenTelemetry.AspNetCore;
using Microsoft.Extensions.Configuration;
using OpenTelemetry;

namespace DvServerless.Adapters.Telemetry;

/// <summary>
/// The exporters both apps turn on from the same settings: Azure Monitor when <see cref="AzureMonitorSetting"/> is set,
/// OTLP when <see cref="OtlpEndpointSetting"/> is. One place, so a call's spans are exported alike on both sides.
/// </summary>
public static class TelemetryExporters
{
    /// <summary>The setting (environment variable) that turns the Azure Monitor exporter on.</summary>
    public const string AzureMonitorSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary>The setting (environment variable) that turns the OTLP exporter on.</summary>
    public const string OtlpEndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>The setting (environment variable) that chooses the trace sampler, read by the exporters.</summary>
    public const string SamplerSetting = "OTEL_TRACES_SAMPLER";

    /// <summary>Whether <paramref name="configuration"/> turns the Azure Monitor exporter on.</summary>
    public static bool AzureMonitorConfigured(IConfiguration configuration) => !string.IsNullOrWhiteSpace(configuration[AzureMonitorSetting]);

    /// <summary>Whether <paramref name="configuration"/> turns the OTLP exporter on.</summary>
    public static bool OtlpConfigured(IConfiguration configuration) => !string.IsNullOrWhiteSpace(configuration[OtlpEndpointSetting]);

    /// <summary>Adds the exporters <paramref name="configuration"/> asks for to <paramref name="telemetry"/>.</summary>
    public static OpenTelemetryBuilder UseConfiguredExporters(this OpenTelemetryBuilder telemetry, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(telemetry);
        ArgumentNullException.ThrowIfNull(configuration);
        if (AzureMonitorConfigured(configuration))
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

        if (OtlpConfigured(configuration))
        {
            // Reads OTEL_EXPORTER_OTLP_* (endpoint, protocol, headers) from configuration itself.
            telemetry.UseOtlpExporter();
        }

        return telemetry;
    }
}
