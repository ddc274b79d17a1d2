using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using DvServerless.Cli.LocalStack;
using DvServerless.Core.Hosting;
using DvServerless.Simulators.Azurite;
using DvServerless.Testing;

namespace DvServerless.Cli.Tests.LocalStack;

/// <summary>
/// A port the stack probed and another process took before the stack bound it: the stack stops what it started and
/// starts its apps again on other ports, wired to each other on the new ones.
/// </summary>
public sealed class LocalStackPortTests
{
    [SkippableTheory]
    [InlineData(0)] // the Functions app's port: the worker has started when the Functions app cannot bind
    [InlineData(1)] // the worker's internal port: the worker itself cannot bind
    public async Task A_probed_port_taken_meanwhile_starts_the_apps_again_on_other_ports(int takenAt)
    {
        RequireAzurite();
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var taken = ((IPEndPoint)squatter.LocalEndpoint).Port;
        var handedOut = 0;
        var progress = new List<string>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));

        await using var stack = await DvServerless.Cli.LocalStack.LocalStack.StartAsync(new LocalStackOptions
        {
            Environment = new Dictionary<string, string?>(), // never a real engine in tests
            ToolsSearchRoot = RepositoryPaths.Root,
            PortChooser = () => handedOut++ == takenAt ? taken : LoopbackPort.Probe(),
        }, line => { lock (progress) { progress.Add(line); } }, timeout.Token);

        Assert.Contains(progress, line => line.StartsWith("a port was taken", StringComparison.Ordinal) && line.Contains($"127.0.0.1:{taken}", StringComparison.Ordinal));
        Assert.DoesNotContain(taken, new[] { stack.FunctionsBaseUrl.Port, stack.MediaWorkerInternalUrl.Port, stack.MediaWorkerBaseUrl.Port });
        using var http = new HttpClient();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(stack.FunctionsBaseUrl, timeout.Token)).StatusCode);
        Assert.Equal("ok", await http.GetStringAsync(new Uri(stack.MediaWorkerBaseUrl, "/healthz"), timeout.Token));
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(stack.MetricsUrl, timeout.Token)).StatusCode);
        // The worker that runs is the one told the Functions app's final URL.
        using var config = JsonDocument.Parse(await http.GetStringAsync(new Uri(stack.MediaWorkerBaseUrl, "/console/config.json"), timeout.Token));
        Assert.Equal(stack.FunctionsBaseUrl.ToString().TrimEnd('/'), config.RootElement.GetProperty("apiBase").GetString());
    }

    [SkippableFact]
    public async Task A_worker_process_of_an_abandoned_start_is_not_the_stacks_worker()
    {
        RequireAzurite();
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var taken = ((IPEndPoint)squatter.LocalEndpoint).Port;
        var handedOut = 0;
        var workers = new MediaWorkerProcessLauncher();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));

        // The Functions app's port is taken: the first attempt's worker process had started, and is stopped.
        await using var stack = await DvServerless.Cli.LocalStack.LocalStack.StartAsync(new LocalStackOptions
        {
            Environment = new Dictionary<string, string?>(),
            ToolsSearchRoot = RepositoryPaths.Root,
            PortChooser = () => handedOut++ == 0 ? taken : LoopbackPort.Probe(),
            MediaWorkerLauncher = workers.LaunchAsync,
        }, _ => { }, timeout.Token);

        // The launcher's worker is the one the stack runs (what `dvs load` measures and fault tests kill), not the first
        // attempt's exited one.
        var worker = Assert.Single(workers.Workers);
        Assert.False(worker.HasExited);
        Assert.Equal(stack.MediaWorkerBaseUrl, workers.Launch.Url);
        using var http = new HttpClient();
        Assert.Equal("ok", await http.GetStringAsync(new Uri(workers.Launch.Url, "/healthz"), timeout.Token));
    }

    private static void RequireAzurite()
    {
        var missing = AzuriteProcess.FindExecutable(RepositoryPaths.Root) is null;
        if (missing && string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException("Azurite is not installed (npm install).");
        }

        Skip.If(missing, "Azurite is not installed (npm install in the repository root).");
    }
}
