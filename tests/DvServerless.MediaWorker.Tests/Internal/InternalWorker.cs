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

/// <summary>The real worker on Kestrel: the public port chosen by the system, the internal port a free one, the REST stand-in on.</summary>
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
        var internalPort = FreeTcpPort.Next();
        var app = MediaWorkerApp.Build(["--urls", "http://127.0.0.1:0"], builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["MediaWorker:InternalUrls"] = $"http://127.0.0.1:{internalPort}",
                ["Live:RestAccessKey"] = AccessKey,
            });
            builder.Logging.ClearProviders();
            builder.Services.AddSingleton<DvServerless.Core.Calls.ICallSessionStore>(new InMemoryCallSessionStore());
            builder.Services.RemoveAll<DvServerless.MediaWorker.Records.WorkerCallEnd>();
            builder.Services.AddSingleton<HubLifetimeManager<LiveHub>>(hub);
        });
        await app.StartAsync();
        var port = app.Services.GetRequiredService<InternalPort>();
        var publicUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .Select(a => new Uri(a)).First(a => !port.Ports.Contains(a.Port));
        return new InternalWorker(app, publicUrl, port.LocalBaseUrl, hub);
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
