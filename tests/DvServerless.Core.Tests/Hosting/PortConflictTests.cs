using System.Net;
using System.Net.Sockets;
using DvServerless.Core.Hosting;

namespace DvServerless.Core.Tests.Hosting;

/// <summary>
/// A server started on a probed port that another process took meanwhile starts again on another port, a bounded number
/// of times; other failures are not retried.
/// </summary>
public sealed class PortConflictTests
{
    [Fact]
    public async Task A_start_whose_first_port_is_taken_starts_on_the_next_one()
    {
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var taken = ((IPEndPoint)squatter.LocalEndpoint).Port;
        var ports = new Queue<int>([taken]);
        var conflicts = new List<(int Attempt, Exception Error)>();

        using var listener = await PortConflict.RetryAsync(
            _ => Task.FromResult(Listen(ports.Count > 0 ? ports.Dequeue() : LoopbackPort.Probe())),
            (attempt, error) => conflicts.Add((attempt, error)),
            CancellationToken.None);

        var bound = ((IPEndPoint)listener.LocalEndpoint).Port;
        Assert.NotEqual(taken, bound);
        var conflict = Assert.Single(conflicts);
        Assert.Equal(1, conflict.Attempt);
        Assert.True(PortConflict.IsCause(conflict.Error));
    }

    [Fact]
    public async Task It_gives_up_after_three_tries_with_the_last_conflict()
    {
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var taken = ((IPEndPoint)squatter.LocalEndpoint).Port;
        var starts = 0;

        var error = await Assert.ThrowsAsync<SocketException>(() => PortConflict.RetryAsync<TcpListener>(
            _ =>
            {
                starts++;
                return Task.FromResult(Listen(taken));
            },
            (_, _) => { },
            CancellationToken.None));

        Assert.Equal(SocketError.AddressAlreadyInUse, error.SocketErrorCode);
        Assert.Equal(PortConflict.MaxAttempts, starts);
    }

    [Fact]
    public async Task Other_failures_are_not_retried()
    {
        var starts = 0;

        await Assert.ThrowsAsync<InvalidOperationException>(() => PortConflict.RetryAsync<int>(
            _ =>
            {
                starts++;
                throw new InvalidOperationException("a bad setting");
            },
            (_, _) => Assert.Fail("retried"),
            CancellationToken.None));

        Assert.Equal(1, starts);
    }

    [Fact]
    public void A_bind_failure_is_recognised_however_it_is_wrapped()
    {
        var inUse = new SocketException((int)SocketError.AddressAlreadyInUse);

        // Kestrel: IOException("Failed to bind to address …") ← AddressInUseException ← SocketException.
        Assert.True(PortConflict.IsCause(new IOException("Failed to bind", new InvalidOperationException("Address already in use", inUse))));
        Assert.True(PortConflict.IsCause(new AggregateException(new TimeoutException(), inUse)));
        Assert.True(PortConflict.IsCause(PortConflict.Exception("Azurite's Blob service", 10000)));
        Assert.False(PortConflict.IsCause(new IOException("Failed", new SocketException((int)SocketError.ConnectionRefused))));
        Assert.False(PortConflict.IsCause(new InvalidOperationException("address already in use")));
    }

    [Theory]
    [InlineData("Exit due to unhandled error: listen EADDRINUSE: address already in use 127.0.0.1:10000", true)]
    [InlineData("System.IO.IOException: Failed to bind to address http://127.0.0.1:7071: address already in use.", true)]
    [InlineData("Now listening on: http://127.0.0.1:7071", false)]
    [InlineData("Connection refused (127.0.0.1:10001)", false)]
    public void A_child_process_output_is_read_for_the_conflict(string output, bool conflict)
    {
        Assert.Equal(conflict, PortConflict.IsReportedIn(output));
    }

    private static TcpListener Listen(int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, port);
        try
        {
            listener.Start();
            return listener;
        }
        catch
        {
            listener.Dispose();
            throw;
        }
    }
}
