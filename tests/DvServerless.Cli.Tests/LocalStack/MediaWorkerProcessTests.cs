using System.Net;
using System.Net.Sockets;
using DvServerless.Cli.LocalStack;
using DvServerless.Core.Hosting;

namespace DvServerless.Cli.Tests.LocalStack;

/// <summary>The worker started as its own process, as <c>dvs load</c> and the fault tests start it.</summary>
public sealed class MediaWorkerProcessTests
{
    [Fact]
    public async Task A_worker_whose_port_was_taken_fails_as_a_port_conflict_for_the_stack_to_start_again()
    {
        // Another process listening there (and never answering): the worker cannot bind, and its health probe gets no answer.
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => MediaWorkerProcess.StartAsync(
            MediaWorkerProcess.BuiltAssembly, new Dictionary<string, string?>(), new Uri($"http://127.0.0.1:{port}"), timeout.Token));

        Assert.True(PortConflict.IsCause(failure), failure.ToString());
        Assert.Contains(port.ToString(System.Globalization.CultureInfo.InvariantCulture), failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_started_worker_answers_health_and_ends_when_disposed()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var url = new Uri($"http://127.0.0.1:{LoopbackPort.Probe()}");

        var worker = await MediaWorkerProcess.StartAsync(MediaWorkerProcess.BuiltAssembly, new Dictionary<string, string?>(), url, timeout.Token);
        var id = worker.Id;
        Assert.False(worker.HasExited);
        Assert.Contains(url.ToString().TrimEnd('/'), worker.Output, StringComparison.Ordinal);
        await worker.DisposeAsync();

        Assert.Throws<ArgumentException>(() => System.Diagnostics.Process.GetProcessById(id));
    }
}
