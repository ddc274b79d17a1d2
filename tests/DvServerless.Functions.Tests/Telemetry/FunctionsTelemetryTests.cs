using System.Diagnostics;
using System.Net;
using Azure.Monitor.OpenTelemetry.AspNetCore;
using DvServerless.Core.Calls;
using DvServerless.Functions.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace DvServerless.Functions.Tests.Telemetry;

/// <summary>The Functions app's OpenTelemetry set-up: nothing unless an exporter is configured.</summary>
[Collection(ListenerCollection)]
public sealed class FunctionsTelemetryTests
{
    /// <summary>Tests that listen to the Functions source, or need nobody to, run one at a time.</summary>
    public const string ListenerCollection = "Functions trace listeners";

    [Fact]
    public async Task With_no_exporter_configured_nothing_is_registered_and_nothing_listens()
    {
        await using var app = await StartAsync(new Dictionary<string, string?>());

        Assert.Null(app.Services.GetService<TracerProvider>());
        Assert.Null(app.Services.GetService<OpenTelemetry.Metrics.MeterProvider>());
        Assert.False(FunctionsTracing.Source.HasListeners());
    }

    [Fact]
    public async Task With_an_otlp_endpoint_call_and_request_spans_are_exported_as_the_functions_service()
    {
        var exported = new List<Activity>();
        await using var app = await StartAsync(new Dictionary<string, string?>
        {
            // Nothing listens there; the OTLP exporter's failures stay in the background.
            [FunctionsTelemetryServiceCollectionExtensions.OtlpEndpointSetting] = "http://127.0.0.1:9",
        }, exported);

        await ExportOneCallAsync(app, "otlp-call");

        // A copy: the exporter adds to the list as the app's own spans end (its OTLP attempts, say), which would break an
        // enumeration of the list itself. A clean-clone CI run failed so ("Collection was modified").
        var spans = exported.ToArray();
        Assert.Contains(spans, span => span.OperationName == FunctionsTracing.IncomingCallSpan && (string?)span.GetTagItem(FunctionsTracing.CallIdTag) == "otlp-call");
        Assert.Contains(spans, span => span.Source.Name == "Microsoft.AspNetCore");
        var resource = app.Services.GetRequiredService<TracerProvider>().GetResource();
        Assert.Contains(resource.Attributes, a => a.Key == "service.name" && (string)a.Value == FunctionsTelemetryServiceCollectionExtensions.ServiceName);
    }

    [Fact]
    public async Task With_an_azure_monitor_connection_string_the_app_starts_and_keeps_every_call_span()
    {
        var exported = new List<Activity>();
        await using var app = await StartAsync(new Dictionary<string, string?>
        {
            [FunctionsTelemetryServiceCollectionExtensions.AzureMonitorSetting] =
                "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=http://127.0.0.1:9/;LiveEndpoint=http://127.0.0.1:9/",
        }, exported);

        // The distro's default sampler would drop spans at start-up (it rate-limits from zero); the app keeps them all.
        for (var i = 0; i < 20; i++)
        {
            await ExportOneCallAsync(app, "azure-monitor-call-" + i);
        }

        Assert.Equal(20, exported.ToArray().Count(span => span.OperationName == FunctionsTracing.IncomingCallSpan
            && ((string?)span.GetTagItem(FunctionsTracing.CallIdTag))?.StartsWith("azure-monitor-call-", StringComparison.Ordinal) == true));
    }

    private static async Task ExportOneCallAsync(WebApplication app, string callId)
    {
        using (var response = await app.GetTestClient().GetAsync("/"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        using (FunctionsTracing.StartCall(FunctionsTracing.IncomingCallSpan, callId, CallChannel.Acs))
        {
        }

        Assert.True(app.Services.GetRequiredService<TracerProvider>().ForceFlush(10_000));
    }

    private static async Task<WebApplication> StartAsync(Dictionary<string, string?> settings, List<Activity>? exported = null)
    {
        var app = FunctionsApp.Build([], builder =>
        {
            builder.WebHost.UseTestServer();
            builder.Configuration.AddInMemoryCollection(settings);
            // No files in the machine's temp folder and no live-metrics polling from a test.
            builder.Services.Configure<AzureMonitorOptions>(options =>
            {
                options.DisableOfflineStorage = true;
                options.EnableLiveMetrics = false;
            });
            if (exported is not null)
            {
                builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(exported));
            }
        });
        await app.StartAsync();
        return app;
    }
}
