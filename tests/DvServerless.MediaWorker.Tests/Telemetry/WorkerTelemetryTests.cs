using System.Diagnostics;
using System.Net;
using Azure.Monitor.OpenTelemetry.AspNetCore;
using DvServerless.Core.Calls;
using DvServerless.MediaWorker.Calls;
using DvServerless.MediaWorker.Hosting;
using DvServerless.MediaWorker.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace DvServerless.MediaWorker.Tests.Telemetry;

/// <summary>The worker's OpenTelemetry set-up: off unless an exporter is configured, the Prometheus endpoint always.</summary>
[Collection(ListenerCollection)]
public sealed class WorkerTelemetryTests
{
    /// <summary>Tests that listen to the call source, or need nobody to, run one at a time.</summary>
    public const string ListenerCollection = "Call trace listeners";

    [Fact]
    public async Task With_no_exporter_configured_nothing_listens_to_calls_and_metrics_are_still_served()
    {
        await using var app = await StartAsync(new Dictionary<string, string?>());

        Assert.Null(app.Services.GetService<TracerProvider>());
        Assert.False(CallTraceSource.Source.HasListeners());
        Assert.Contains(app.Services.GetServices<ICallLoopObserverFactory>(), factory => factory is CallTraceObserverFactory);
        Assert.Null(app.Services.GetServices<ICallLoopObserverFactory>().OfType<CallTraceObserverFactory>().Single()
            .Create(new CallContext("call-1", CallChannel.Acs)));
        await AssertMetricsServedAsync(app);
    }

    [Fact]
    public async Task With_an_otlp_endpoint_the_calls_spans_are_exported_as_the_media_worker_service()
    {
        var exported = new LockedCollection<Activity>();
        await using var app = await StartAsync(new Dictionary<string, string?>
        {
            // Nothing listens there; the OTLP exporter's failures stay in the background.
            [WorkerTelemetryServiceCollectionExtensions.OtlpEndpointSetting] = "http://127.0.0.1:9",
        }, services => services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(exported)));

        ExportOneCall(app, "otlp-call");

        Assert.Contains(exported, span => span.OperationName == CallTraceSource.MediaSpan && (string?)span.GetTagItem(CallTraceSource.CallIdTag) == "otlp-call");
        var resource = app.Services.GetRequiredService<TracerProvider>().GetResource();
        Assert.Contains(resource.Attributes, a => a.Key == "service.name" && (string)a.Value == WorkerTelemetryServiceCollectionExtensions.ServiceName);
        await AssertMetricsServedAsync(app);
    }

    [Fact]
    public async Task With_an_azure_monitor_connection_string_the_worker_starts_and_exports_the_calls_spans()
    {
        // The worker's background work (the command queue's polls) exports spans too, on the exporter's thread.
        var exported = new LockedCollection<Activity>();
        await using var app = await StartAsync(new Dictionary<string, string?>
        {
            [WorkerTelemetryServiceCollectionExtensions.AzureMonitorSetting] =
                "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=http://127.0.0.1:9/;LiveEndpoint=http://127.0.0.1:9/",
        }, services =>
        {
            // No files in the machine's temp folder and no live-metrics polling from a test.
            services.Configure<AzureMonitorOptions>(options =>
            {
                options.DisableOfflineStorage = true;
                options.EnableLiveMetrics = false;
            });
            services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(exported));
        });

        ExportOneCall(app, "azure-monitor-call");

        Assert.Contains(exported, span => span.OperationName == CallTraceSource.MediaSpan && (string?)span.GetTagItem(CallTraceSource.CallIdTag) == "azure-monitor-call");
        await AssertMetricsServedAsync(app);
    }

    private static void ExportOneCall(WebApplication app, string callId)
    {
        var factory = app.Services.GetServices<ICallLoopObserverFactory>().OfType<CallTraceObserverFactory>().Single();
        var observer = factory.Create(new CallContext(callId, CallChannel.Acs, TraceParent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
        Assert.NotNull(observer);
        observer.OnStarted(new CallLoopStarted(callId, Core.Audio.AudioFormat.Pcm24k, "offline", DateTimeOffset.UtcNow));
        observer.OnCompleted(CallEndReason.LegClosed);
        Assert.True(app.Services.GetRequiredService<TracerProvider>().ForceFlush(10_000));
    }

    private static async Task AssertMetricsServedAsync(WebApplication app)
    {
        // /metrics lives on the internal port (MediaWorker:InternalUrls), which the ingress does not expose.
        using var http = new HttpClient();
        using var response = await http.GetAsync(new Uri(app.Services.GetRequiredService<InternalPort>().LocalBaseUrl, "/metrics"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static async Task<WebApplication> StartAsync(Dictionary<string, string?> settings, Action<IServiceCollection>? services = null)
    {
        // Kestrel on loopback, not the test server: requests are told apart by the port they arrive on.
        var app = MediaWorkerApp.Build(["--urls", "http://127.0.0.1:0"], builder =>
        {
            builder.Configuration.AddInMemoryCollection(settings);
            services?.Invoke(builder.Services);
        });
        await app.StartAsync();
        return app;
    }

    /// <summary>A collection the exporter may add to while a test reads it: reads enumerate a copy.</summary>
    private sealed class LockedCollection<T> : ICollection<T>
    {
        private readonly List<T> _items = [];

        public int Count
        {
            get
            {
                lock (_items)
                {
                    return _items.Count;
                }
            }
        }

        public bool IsReadOnly => false;

        public void Add(T item)
        {
            lock (_items)
            {
                _items.Add(item);
            }
        }

        public void Clear()
        {
            lock (_items)
            {
                _items.Clear();
            }
        }

        public bool Contains(T item)
        {
            lock (_items)
            {
                return _items.Contains(item);
            }
        }

        public void CopyTo(T[] array, int arrayIndex)
        {
            lock (_items)
            {
                _items.CopyTo(array, arrayIndex);
            }
        }

        public bool Remove(T item)
        {
            lock (_items)
            {
                return _items.Remove(item);
            }
        }

        public IEnumerator<T> GetEnumerator()
        {
            lock (_items)
            {
                return _items.ToList().GetEnumerator();
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
