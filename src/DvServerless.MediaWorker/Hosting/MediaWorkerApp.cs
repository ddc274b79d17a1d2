using DvServerless.Adapters.Engines;
using DvServerless.Adapters.Llm;
using DvServerless.Adapters.Speech;
using DvServerless.Adapters.Speech.Offline;
using DvServerless.Adapters.Live;
using DvServerless.Adapters.Storage;
using DvServerless.Adapters.Tenants;
using DvServerless.Core.Hosting;
using DvServerless.Core.Records;
using DvServerless.Core.Security;
using DvServerless.MediaWorker.Calls;
using DvServerless.MediaWorker.Calls.Tools;
using DvServerless.MediaWorker.Commands;
using DvServerless.MediaWorker.Endpoints;
using DvServerless.MediaWorker.Playout;
using DvServerless.MediaWorker.Greeting;
using DvServerless.MediaWorker.Live;
using DvServerless.MediaWorker.Records;
using DvServerless.MediaWorker.Sip;
using DvServerless.MediaWorker.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DvServerless.MediaWorker.Hosting;

/// <summary>Builds the media worker: services, options, endpoints.</summary>
public static class MediaWorkerApp
{
    /// <summary>
    /// Builds the worker. <paramref name="configure"/> runs after the default registrations, so a test (or a host) can
    /// add configuration or replace services (engine factory, record sink, clock).
    /// </summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);

        // Kestrel's request log writes the full URL, and the media URL carries the per-call token: keep that log off.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore.Routing.EndpointMiddleware", LogLevel.Warning);

        var services = builder.Services;
        services.AddOptions<MediaWorkerOptions>().BindConfiguration(MediaWorkerOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<MediaWorkerOptions>, MediaWorkerOptionsValidator>();
        services.AddOptions<HostOptions>().Configure<IOptions<MediaWorkerOptions>>((host, worker) =>
        {
            // The whole stop must outlast the drain and the goodbye, or the host cuts calls before the drain timeout.
            var needed = worker.Value.DrainTimeout + worker.Value.DrainGoodbyeTimeout + TimeSpan.FromSeconds(10);
            if (host.ShutdownTimeout < needed)
            {
                host.ShutdownTimeout = needed;
            }
        });

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => MediaTokenService.FromConfiguredKey(
            sp.GetRequiredService<IOptions<MediaWorkerOptions>>().Value.TokenSigningKey, sp.GetRequiredService<TimeProvider>()));
        services.AddMetrics();
        // GC pauses on /metrics (dvs.runtime.gc.pause): the process's one poller, which the container never disposes.
        services.AddSingleton(DvServerless.Core.Diagnostics.GcPauseWatcher.Shared);
        services.AddSingleton<MediaWorkerMetrics>();
        services.AddHostedService<WakeLatenessMonitor>();
        services.AddCallTelemetry();
        services.AddSingleton<ActiveCalls>();
        services.AddSingleton<DvServerless.MediaWorker.Security.MediaTokenReplayGuard>();
        services.AddSingleton<CallDrainGoodbye>();
        services.AddHostedService<CallDrainService>();
        services.AddHostedService<ParentExitWatcher>();
        services.AddSingleton<AcsCallRunner>();
        services.AddSingleton<BrowserCallRunner>();
        services.AddSingleton<BrowserSessions>();
        services.AddSingleton<LiveCalls>();
        services.AddSingleton<LiveCallCommands>();
        services.TryAddSingleton<DvServerless.MediaWorker.Say.ICallSpeech, DvServerless.MediaWorker.Say.CachedCallSpeech>();
        services.AddSingleton<ICallToolHandler, EndCallToolHandler>();
        services.AddHttpTools(builder.Configuration);

        services.AddConversationEngines(builder.Configuration);
        services.RequireRealtimeModelInAzure(builder.Configuration);
        // The cascaded engine's parts: cloud speech-to-text and language models when configured, and the offline parts
        // (pocketsphinx, the rule-based responder, espeak-ng), which need no key and load on first use.
        services.AddCloudSpeechToText(builder.Configuration);
        services.AddLanguageModels(builder.Configuration);
        services.AddOfflineSpeech(builder.Configuration);
        services.AddDvServerlessStorage(builder.Configuration);
        // This replica's command queue: the Functions app's commands for the calls it holds, when the worker scales out.
        services.AddWorkerCommandQueue(builder.Configuration);
        services.AddCallRecords(builder.Configuration);
        services.AddCachedGreeting(builder.Configuration);
        services.AddComfortNoise(builder.Configuration);
        services.AddSingleton<PlayoutPacer>();
        services.AddOptions<BargeInGateOptions>().Bind(builder.Configuration)
            .Validate(o => o.MinSpeechMs is >= 0 and <= 5000 && o.MinWords is >= 0 and <= 20,
                "GW_BARGE_IN_MIN_SPEECH_MS is 0–5000 and GW_BARGE_IN_MIN_WORDS 0–20.")
            .ValidateOnStart();
        // The tenants' own OpenAI projects (their keys attach the sidebands of their SIP calls).
        services.AddTenantDirectory(builder.Configuration);
        services.AddSipSideband(builder.Configuration);
        services.AddCallControl(builder.Configuration);
        services.TryAddSingleton<ICallRecordSink, DiscardingCallRecordSink>();
        services.AddLiveHub(builder.Configuration);

        configure?.Invoke(builder);
        // Last, so the store in use (a test's replacement too) is the one that publishes the sessions' live events.
        services.DecorateCallSessionStoreWithLiveEvents();

        // After configure: the exporters follow the final configuration, settings a host or test added included.
        services.AddWorkerTelemetry(builder.Configuration);
        // Thread-pool starvation on /metrics (dvs.runtime.threadpool.starvations) only when asked: its runtime events cost an
        // allocation per idle pool thread. The process's one listener (several in one process can deadlock in the runtime).
        if (builder.Configuration.GetValue<bool>($"{MediaWorkerOptions.SectionName}:{nameof(MediaWorkerOptions.CountThreadPoolStarvation)}"))
        {
            services.AddSingleton(DvServerless.Core.Diagnostics.RuntimeEventListener.Shared);
        }

        // The public URLs (configured, or the local default) and the internal port (/metrics, the local Azure SignalR
        // REST stand-in), which the Container Apps ingress does not expose.
        InternalPort.Listen(builder);
        builder.Services.AddLiveRestEndpoint(builder.Configuration);

        var app = builder.Build();
        // The worker's instruments exist from the start, so /metrics shows them (at zero) before the first call.
        _ = app.Services.GetRequiredService<MediaWorkerMetrics>();
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(30) });
        // A storage outage answers 503 + Retry-After before a socket is accepted, never a bare 500.
        app.UseMiddleware<StorageUnavailableMiddleware>();
        app.MapGet("/", () => Results.Text("DvServerless media worker"));
        app.MapGet("/healthz", (ActiveCalls calls) => Results.Text(calls.IsDraining ? "draining" : "ok"));
        app.MapReadiness();
        app.MapInternalPort();
        app.MapAcsMedia();
        app.MapSipAttach();
        app.MapBrowserMedia();
        app.MapCallControl();
        app.MapStaticPages();
        app.MapLiveHub();
        return app;
    }
}
