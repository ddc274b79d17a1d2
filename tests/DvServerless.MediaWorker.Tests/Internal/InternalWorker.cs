using DvServerless.Core.Hosting;
using DvServerless.MediaWorker.Hosting;
using DvServerless.MediaWorker.Live;
using DvServerless.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace DvServerless.MediaWorker.Tests.Internal;

/// <summary>The real worker on Kestrel: the public port chosen by the system, the internal port a probed one (again on another if it was taken), the REST stand-in on.</summary>
internal sealed class InternalWorker : IAsyncDisposable
{
    public const string AccessKey = "internal-port-test-access-key-0123456789=";

    private InternalWorker(WebApplication app, Uri publicUrl, Uri internalUrl, RecordingHubLifetimeManager hub)
    {
        App = app;
        PublicUrl = publicUrl;
        InternalUrl = internalUrl;
        Hub = hub;
    }

    public WebApplication App { get; }

    public Uri PublicUrl { get; }

    public Uri InternalUrl { get; }

    public RecordingHubLifetimeManager Hub { get; }

    public static async Task<InternalWorker> StartAsync()
    {
        var hub = new RecordingHubLifetimeManager();
        var app = await StartWorkerAsync(new Dictionary<string, string?> { ["Live:RestAccessKey"] = AccessKey }, builder =>
        {
            builder.Services.AddSingleton<DvServerless.Core.Calls.ICallSessionStore>(new InMemoryCallSessionStore());
            builder.Services.RemoveAll<DvServerless.MediaWorker.Records.WorkerCallEnd>();
            builder.Services.AddSingleton<HubLifetimeManager<LiveHub>>(hub);
        });
        var port = app.Services.GetRequiredService<InternalPort>();
        return new InternalWorker(app, PublicUrlOf(app), port.LocalBaseUrl, hub);
    }

    /// <summary>
    /// Starts the worker with <paramref name="settings"/>, its public port chosen by the system and its internal port a
    /// probed one (<c>MediaWorker:InternalUrls</c> takes a fixed port); when another process takes that port first, it
    /// starts again on another.
    /// </summary>
    public static Task<WebApplication> StartWorkerAsync(IReadOnlyDictionary<string, string?> settings, Action<WebApplicationBuilder>? configure = null) =>
        PortConflict.RetryAsync(
            async cancellationToken =>
            {
                var internalPort = LoopbackPort.Probe();
                var app = MediaWorkerApp.Build(["--urls", BoundAddress.LoopbackAny], builder =>
                {
                    builder.Configuration.AddInMemoryCollection(settings);
                    builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
                    {
                        [InternalPort.SettingName] = $"http://127.0.0.1:{internalPort}",
                    });
                    builder.Logging.ClearProviders();
                    configure?.Invoke(builder);
                });
                try
                {
                    await app.StartAsync(cancellationToken);
                    return app;
                }
                catch
                {
                    await app.DisposeAsync();
                    throw;
                }
            },
            (_, _) => { },
            CancellationToken.None);

    /// <summary>The public URL of a started worker: its address that is not the internal port.</summary>
    public static Uri PublicUrlOf(WebApplication app)
    {
        var port = app.Services.GetRequiredService<InternalPort>();
        return app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .Select(a => new Uri(a)).First(a => !port.Ports.Contains(a.Port));
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
