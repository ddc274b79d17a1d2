using System.Net;
using System.Net.Sockets;

namespace DvServerless.Core.Hosting;

/// <summary>
/// Loopback TCP ports for servers that must be told their port before they bind: a child process, or an app whose URL
/// another app needs before either starts. A server that can bind port 0 and report what it bound should do that instead.
/// </summary>
/// <remarks>
/// A probed port is only free at the moment of the probe: another process probing at the same time, or an outgoing
/// connection taking it as its source port, can hold it by the time the server binds. Start such servers through
/// <see cref="PortConflict.RetryAsync{T}"/>, which probes again when that happens.
/// </remarks>
public static class LoopbackPort
{
    /// <summary>A port on 127.0.0.1 that was free a moment ago (the system's pick for port 0).</summary>
    public static int Probe()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
