using System.Globalization;
using System.Net;
using System.Net.Sockets;
using DvServerless.Core.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace DvServerless.MediaWorker.Hosting;

/// <summary>
/// The worker's second Kestrel endpoint, <c>MediaWorker:InternalUrls</c>, for what only the inside of the deployment
/// may reach: <c>/metrics</c> and, locally, the stand-in for Azure SignalR's REST API. In Container Apps it is
/// <c>http://+:9090</c>, a port the ingress does not expose (an additional port mapping with <c>external: false</c>);
/// by default, <c>127.0.0.1</c> on the port after the public one (7074 next to 7073), or a free loopback port when the
/// public port is chosen by the system or the next one is taken. Requests are told apart by the local port they arrived on, not by the Host
/// header a client writes: internal routes answer 404 on the public port, public routes 404 on the internal one.
/// </summary>
public sealed class InternalPort
{
    /// <summary>The setting: one URL or several separated by <c>;</c>, each with a fixed port.</summary>
    public const string SettingName = "MediaWorker:InternalUrls";

    private readonly HashSet<int> _ports;

    /// <summary>Creates the description of the internal endpoint(s).</summary>
    public InternalPort(IReadOnlyList<BindingAddress> addresses)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        Addresses = addresses;
        _ports = [.. addresses.Select(a => a.Port)];
    }

    /// <summary>The internal URLs the worker listens on.</summary>
    public IReadOnlyList<BindingAddress> Addresses { get; }

    /// <summary>The internal ports.</summary>
    public IReadOnlyCollection<int> Ports => _ports;

    /// <summary>
    /// The internal endpoint as a client on this machine reaches it: the first address, with a wildcard host
    /// (<c>+</c>, <c>*</c>, <c>0.0.0.0</c>) read as <c>127.0.0.1</c>.
    /// </summary>
    public Uri LocalBaseUrl
    {
        get
        {
            var first = Addresses[0];
            var host = first.Host is "+" or "*" or "0.0.0.0" or "[::]" ? "127.0.0.1" : first.Host;
            return new Uri($"{first.Scheme}://{host}:{first.Port.ToString(CultureInfo.InvariantCulture)}");
        }
    }

    /// <summary>Whether <paramref name="context"/> arrived on the internal port.</summary>
    public bool IsInternal(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return _ports.Contains(context.Connection.LocalPort);
    }

    /// <summary>
    /// Sets the worker's URLs: the public ones as configured (<c>--urls</c>, <c>ASPNETCORE_URLS</c>,
    /// <c>ASPNETCORE_HTTP_PORTS</c>) or the local default, plus the internal ones; registers this description.
    /// A bad <c>MediaWorker:InternalUrls</c> throws <see cref="InvalidOperationException"/> naming it.
    /// </summary>
    public static InternalPort Listen(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configuration = builder.Configuration;
        var kestrelEndpoints = configuration.GetSection("Kestrel:Endpoints").GetChildren().Any();
        var publicUrls = PublicUrls(configuration);
        var publicPorts = publicUrls.Select(u => BindingAddress.Parse(u).Port).ToHashSet();
        var internalPort = new InternalPort(InternalAddresses(configuration[SettingName], publicPorts));

        if (kestrelEndpoints)
        {
            // Endpoints from configuration replace any URL list; the internal ones are added to them in code.
            builder.WebHost.ConfigureKestrel(kestrel =>
            {
                foreach (var address in internalPort.Addresses)
                {
                    Listen(kestrel, address);
                }
            });
        }
        else
        {
            builder.WebHost.UseUrls([.. publicUrls, .. internalPort.Addresses.Select(a => a.ToString())]);
        }

        builder.Services.AddSingleton(internalPort);
        return internalPort;
    }

    private static string[] PublicUrls(ConfigurationManager configuration)
    {
        if (Split(configuration[WebHostDefaults.ServerUrlsKey]) is { Length: > 0 } urls)
        {
            return urls;
        }

        // ASPNETCORE_HTTP_PORTS / HTTPS_PORTS (the container image sets 8080): every interface, as Kestrel reads them.
        var http = Split(configuration["http_ports"]).Select(p => "http://*:" + p);
        var https = Split(configuration["https_ports"]).Select(p => "https://*:" + p);
        var ports = http.Concat(https).ToArray();
        return ports.Length > 0 ? ports : [LocalDefaults.MediaWorkerBaseUrl];
    }

    private static List<BindingAddress> InternalAddresses(string? configured, HashSet<int> publicPorts)
    {
        var urls = Split(configured);
        if (urls.Length == 0)
        {
            var publicPort = publicPorts.Count > 0 ? publicPorts.Min() : 0;
            // The port after the public one when it is free (7074 next to 7073); otherwise, e.g. when a test or script
            // picked the public port and another process holds the next, any free loopback port.
            var port = publicPort is > 0 and < 65535 && !publicPorts.Contains(publicPort + 1) && IsFreeLoopbackPort(publicPort + 1)
                ? publicPort + 1
                : LoopbackPort.Probe();
            urls = ["http://127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture)];
        }

        var addresses = new List<BindingAddress>(urls.Length);
        foreach (var url in urls)
        {
            BindingAddress address;
            try
            {
                address = BindingAddress.Parse(url);
            }
            catch (FormatException)
            {
                throw new InvalidOperationException($"{SettingName} must be URLs like http://+:9090 or http://127.0.0.1:7074, not '{url}'.");
            }

            if (address.Scheme != Uri.UriSchemeHttp || address.Port is <= 0 or > 65535 || address.IsUnixPipe)
            {
                throw new InvalidOperationException($"{SettingName} must be plain http URLs with a fixed port, like http://+:9090; '{url}' is not.");
            }

            if (publicPorts.Contains(address.Port))
            {
                throw new InvalidOperationException($"{SettingName} uses port {address.Port}, which is also a public port; the internal port must be a port of its own.");
            }

            addresses.Add(address);
        }

        return addresses;
    }

    private static void Listen(Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions kestrel, BindingAddress address)
    {
        if (address.Host is "+" or "*" or "0.0.0.0" or "[::]")
        {
            kestrel.ListenAnyIP(address.Port);
        }
        else if (string.Equals(address.Host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            kestrel.ListenLocalhost(address.Port);
        }
        else
        {
            kestrel.Listen(IPAddress.Parse(address.Host.Trim('[', ']')), address.Port);
        }
    }

    private static string[] Split(string? value) =>
        string.IsNullOrWhiteSpace(value) ? [] : value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static bool IsFreeLoopbackPort(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
