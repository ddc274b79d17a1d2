using System.Net;
using System.Net.Sockets;

namespace DvServerless.Testing;

/// <summary>
/// A loopback port where nothing listens, for tests of a dependency that is down: the port is held bound (not
/// listening) while this lives, so connections to it are refused and binding port 0 does not hand it out. It does not
/// keep a server from binding it on purpose: Kestrel, which sets SO_REUSEADDR, starts on it (seen in a test of the
/// worker process), so a test that needs a port nobody can take listens on it instead.
/// </summary>
public sealed class ClosedTcpPort : IDisposable
{
    private readonly Socket _socket;

    /// <summary>Binds a free loopback port and keeps it.</summary>
    public ClosedTcpPort()
    {
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        // No SO_REUSEADDR of its own: a bind without the option still fails here.
        _socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, false);
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        Port = ((IPEndPoint)_socket.LocalEndPoint!).Port;
    }

    /// <summary>The port.</summary>
    public int Port { get; }

    /// <summary>Lets the port go (e.g. to start the dependency on it).</summary>
    public void Dispose() => _socket.Dispose();
}
