using DvServerless.Functions;
using DvServerless.MediaWorker.Hosting;
using DvServerless.Simulators.Acs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace DvServerless.Cli.LocalStack;

/// <summary>The stack's two apps, the media worker(s) and the Functions app, and the ports they listen on.</summary>
public sealed partial class LocalStack
{
    /// <summary>
    /// Starts the media worker(s), then the Functions app, on the ports of one try. Each needs the other's URL before it
    /// starts (the worker's console calls the Functions app; the Functions app sends calls and live events to the
    /// workers), so the Functions port and the workers' internal ports are probed first, while an in-process worker's
    /// public port is bound as port 0 and read back. A probed port another process took meanwhile fails the start as a
    /// <see cref="DvServerless.Core.Hosting.PortConflict"/> after everything this try started is stopped; the caller
    /// then tries again on fresh ports.
    /// </summary>
    private static async Task<StartedApps> StartAppsAsync(LocalStackOptions options, Dictionary<string, string?> shared, AppKeys keys,
        AcsSimulator acs, Func<int> choosePort, Action<string> progress, CancellationToken cancellationToken)
    {
        var owned = new List<IAsyncDisposable>();
        try
        {
            var count = Math.Max(1, options.Workers);
            var functionsUrl = Loopback(choosePort());
            var workerInternalUrls = Enumerable.Range(0, count).Select(_ => Loopback(choosePort())).ToArray();
            var workerUrls = new Uri[count];
            var common = new Dictionary<string, string?>(shared)
            {
                // The console the worker serves calls the Functions app, which allows the worker's origin.
                ["Console:ApiBaseUrl"] = Setting(functionsUrl),
            };
            // Where the Functions app reaches each worker's internal port when a command cannot travel by queue.
            for (var i = 0; i < count; i++)
            {
                common[$"MediaWorker:InternalBaseUrls:{i}"] = Setting(workerInternalUrls[i]);
            }

            progress("starting the media worker");
            WebApplication? worker = null;
            for (var i = 0; i < count; i++)
            {
                // Every worker its own ports (and, unnamed, its own replica and command queue). It gets the REST key but
                // not Azure:SignalR:ConnectionString, so its hub stays in-process.
                var settings = WorkerSettings(Settings(common, options, new Dictionary<string, string?>
                {
                    ["MediaWorker:InternalUrls"] = Setting(workerInternalUrls[i]),
                    ["Live:RestAccessKey"] = keys.LiveRest,
                }), options.Environment);
                if (options.MediaWorkerLauncher is { } launcher)
                {
                    workerUrls[i] = Loopback(choosePort());
                    owned.Add(await launcher(new MediaWorkerLaunch(settings, workerUrls[i], workerInternalUrls[i]), cancellationToken).ConfigureAwait(false));
                }
                else
                {
                    var app = MediaWorkerApp.Build(["--urls", "http://127.0.0.1:0"], builder => Configure(builder, settings, options.Verbose, options.LogSink));
                    // Owned before it starts: a start that fails half-way is stopped with the rest.
                    owned.Add(app);
                    await app.StartAsync(cancellationToken).ConfigureAwait(false);
                    workerUrls[i] = PublicUrl(app);
                    worker ??= app;
                }
            }

            progress("starting the Functions app");
            var workersForFunctions = new Dictionary<string, string?>(common) { ["MediaWorker:BaseUrl"] = Setting(workerUrls[0]) };
            if (count > 1)
            {
                for (var i = 0; i < count; i++)
                {
                    workersForFunctions[$"MediaWorker:BaseUrls:{i}"] = Setting(workerUrls[i]);
                }
            }

            var functionsSettings = Settings(workersForFunctions, options, new Dictionary<string, string?>
            {
                ["Acs:ConnectionString"] = acs.ConnectionString,
                ["Acs:AudioFormat"] = options.AcsAudioFormat,
                ["Functions:PublicBaseUrl"] = Setting(functionsUrl),
                // Live events go to the worker's stand-in for Azure SignalR's REST API, as they would go to the service.
                ["Azure:SignalR:ConnectionString"] = $"Endpoint={workerInternalUrls[0].GetLeftPart(UriPartial.Authority)};AccessKey={keys.LiveRest};Version=1.0;",
                ["Tenants:AdminKey"] = keys.Admin,
                // ACS callback JWTs checked for real against the simulator's OpenID configuration.
                ["Acs:CallbackAuth:Enabled"] = "true",
                ["Acs:CallbackAuth:ResourceId"] = acs.Options.ResourceId,
                ["Acs:CallbackAuth:OpenIdConfigurationUrl"] = acs.OpenIdConfigurationUrl,
            });
            var functions = FunctionsApp.Build(["--urls", functionsUrl.ToString()], builder => Configure(builder, functionsSettings, options.Verbose, options.LogSink));
            owned.Add(functions);
            await functions.StartAsync(cancellationToken).ConfigureAwait(false);
            return new StartedApps(owned, functions, worker, functionsUrl, workerUrls, workerInternalUrls);
        }
        catch
        {
            await DisposeAllAsync(owned).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>One app's settings: the stack's, then <see cref="LocalStackOptions.AppSettings"/> (which win), then the app's own.</summary>
    private static Dictionary<string, string?> Settings(Dictionary<string, string?> common, LocalStackOptions options, Dictionary<string, string?> own)
    {
        var settings = new Dictionary<string, string?>(common);
        foreach (var (key, value) in options.AppSettings)
        {
            settings[key] = value;
        }

        foreach (var (key, value) in own)
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>
    /// The worker's settings without any <c>Acs:*</c>: as in Azure, the worker holds no ACS access and asks the Functions app
    /// to hang up and transfer ACS calls (queue <c>dvs-call-actions</c>). A transfer target given to the stack is the
    /// Functions app's (a setting, or <c>Acs__TransferTarget</c> in the environment, which the in-process apps both read);
    /// the worker learns only that the agent may offer transfers (<c>CallActions:OfferTransfer</c>).
    /// </summary>
    private static Dictionary<string, string?> WorkerSettings(Dictionary<string, string?> settings, IReadOnlyDictionary<string, string?> environment)
    {
        var offerTransfer = (settings.TryGetValue("Acs:TransferTarget", out var target) && !string.IsNullOrWhiteSpace(target))
            || (environment.TryGetValue("Acs__TransferTarget", out var fromEnvironment) && !string.IsNullOrWhiteSpace(fromEnvironment));
        var worker = settings.Where(s => !s.Key.StartsWith("Acs:", StringComparison.OrdinalIgnoreCase)).ToDictionary();
        if (offerTransfer)
        {
            worker.TryAdd("CallActions:OfferTransfer", "true");
        }

        return worker;
    }

    /// <summary>The public URL a started worker bound: its address that is not an internal one.</summary>
    private static Uri PublicUrl(WebApplication worker)
    {
        var internalPort = worker.Services.GetRequiredService<InternalPort>();
        var addresses = worker.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        return addresses.Select(a => new Uri(a)).First(a => !internalPort.Ports.Contains(a.Port));
    }

    private static Uri Loopback(int port) => new($"http://127.0.0.1:{port.ToString(System.Globalization.CultureInfo.InvariantCulture)}");

    private static string Setting(Uri url) => url.ToString().TrimEnd('/');

    /// <summary>This run's keys that the two apps share.</summary>
    private sealed record AppKeys(string LiveRest, string Admin);

    /// <summary>What one try of <see cref="StartAppsAsync"/> started, newest last.</summary>
    private sealed record StartedApps(List<IAsyncDisposable> Owned, WebApplication Functions, WebApplication? Worker, Uri FunctionsUrl,
        Uri[] WorkerUrls, Uri[] WorkerInternalUrls);
}
