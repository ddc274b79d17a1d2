using System.Net;
using System.Net.Sockets;

namespace DvServerless.Testing;

/// <summary>
/// A loopback port where nothing listens, for tests of a dependency that is down: the port is held bound (not
/// listening) while this lives, so connections to it are refused and no other process can start listening there.
/// </summary>
public sealed class ClosedTcpPort : IDisposable
{
    private readonly Socket _socket;

    /// <summary>Binds a free loopback port and keeps it.</summary>
    public ClosedTcpPort()
    {
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        // Without SO_REUSEADDR on this socket, every other bind to the port fails, whatever options it sets.
        _socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, false);
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        Port = ((IPEndPoint)_socket.LocalEndPoint!).Port;
    }

    /// <summary>The port.</summary>
    public int Port { get; }

    /// <summary>Lets the port go (e.g. to start the dependency on it).</summary>
    public void Dispose() => _socket.Dispose();
}
