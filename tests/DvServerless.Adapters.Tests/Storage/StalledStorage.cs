using System.Net;
using System.Net.Sockets;
using System.Text;

namespace DvServerless.Adapters.Tests.Storage;

/// <summary>
/// A storage endpoint that accepts connections and reads requests but never answers (Azurite under SIGSTOP, an account
/// whose front end hangs), counting the requests it was sent. While <see cref="Answers"/> is set it answers each request
/// "container not found" instead, so a test can compile the client's whole send and receive path before it times one.
/// </summary>
internal sealed class StalledStorage : IDisposable
{
    private const string RequestLineEnd = " HTTP/1.1\r\n";

    private static readonly byte[] NotFound =
        "HTTP/1.1 404 The specified container does not exist.\r\nx-ms-error-code: ContainerNotFound\r\nContent-Length: 0\r\n\r\n"u8.ToArray();

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Socket> _sockets = [];
    private int _requests;

    public StalledStorage()
    {
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _ = AcceptAsync();
    }

    public int Port { get; }

    /// <summary>Requests received so far (request lines read), none of them answered.</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Whether requests are answered (404 ContainerNotFound) rather than left hanging.</summary>
    public bool Answers { get; set; }

    public void ResetCount() => Volatile.Write(ref _requests, 0);

    public string ConnectionString => StorageTestAccount.ConnectionString(Port);

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        lock (_sockets)
        {
            foreach (var socket in _sockets)
            {
                socket.Dispose();
            }
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var socket = await _listener.AcceptSocketAsync(_stop.Token);
                lock (_sockets)
                {
                    _sockets.Add(socket);
                }

                _ = ReadAsync(socket);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    private async Task ReadAsync(Socket socket)
    {
        var buffer = new byte[16 * 1024];
        var seen = new StringBuilder();
        try
        {
            while (true)
            {
                var read = await socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                if (read == 0)
                {
                    return;
                }

                // Headers are ASCII; a request line ends " HTTP/1.1\r\n" (bodies here are small JSON, never that).
                seen.Append(Encoding.ASCII.GetString(buffer, 0, read));
                var text = seen.ToString();
                var index = 0;
                while ((index = text.IndexOf(RequestLineEnd, index, StringComparison.Ordinal)) >= 0)
                {
                    Interlocked.Increment(ref _requests);
                    index += RequestLineEnd.Length;
                    if (Answers)
                    {
                        await socket.SendAsync(NotFound, SocketFlags.None, _stop.Token);
                    }
                }

                // Keep a tail shorter than the marker, so one split across two reads is still found once.
                seen.Clear();
                seen.Append(text[Math.Max(0, text.Length - RequestLineEnd.Length + 1)..]);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }
}
