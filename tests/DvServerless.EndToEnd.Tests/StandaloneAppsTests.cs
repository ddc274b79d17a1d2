using System.Net;
using System.Net.Sockets;
using DvServerless.Core.Hosting;
using DvServerless.Testing;

namespace DvServerless.EndToEnd.Tests;

/// <summary>The Functions executable and the media worker started on their own, with no configuration at all.</summary>
public sealed class StandaloneAppsTests
{
    [Fact]
    public async Task The_functions_executable_starts_standalone_with_no_configuration()
    {
        var assembly = ProcessRunner.FindBuiltAssembly("src/DvServerless.Functions", "DvServerless.Functions.dll");
        await using var process = await ProcessRunner.StartListeningAsync(assembly, port => ["--urls", $"http://127.0.0.1:{port}"], _ => new Dictionary<string, string?>());
        var port = process.Port;

        using var http = new HttpClient();
        var response = await PollAsync(http, new Uri($"http://127.0.0.1:{port}/"), process);
        Assert.True(response.IsSuccessStatusCode, process.Output);

        // The API description is served by the standalone host.
        var openApi = await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/api/openapi.json"));
        Assert.Contains("\"/api/acs/incoming-call\"", openApi, StringComparison.Ordinal);

        // A malformed Event Grid delivery is refused with a clear 4xx and no storage is needed to say so.
        var bad = await http.PostAsync(new Uri($"http://127.0.0.1:{port}/api/acs/incoming-call"), new StringContent("not json", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task An_app_whose_port_was_taken_before_it_bound_starts_again_on_another()
    {
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var taken = ((IPEndPoint)squatter.LocalEndpoint).Port;
        var ports = new Queue<int>([taken]);
        var assembly = ProcessRunner.FindBuiltAssembly("src/DvServerless.Functions", "DvServerless.Functions.dll");

        await using var process = await ProcessRunner.StartListeningAsync(assembly, port => ["--urls", $"http://127.0.0.1:{port}"],
            _ => new Dictionary<string, string?>(), () => ports.Count > 0 ? ports.Dequeue() : LoopbackPort.Probe());

        Assert.Empty(ports);
        Assert.NotEqual(taken, process.Port);
        using var http = new HttpClient();
        using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{process.Port}/"));
        Assert.True(response.IsSuccessStatusCode, process.Output);
    }

    [Fact]
    public async Task The_former_custom_handler_port_variable_still_chooses_the_port()
    {
        var assembly = ProcessRunner.FindBuiltAssembly("src/DvServerless.Functions", "DvServerless.Functions.dll");
        await using var process = await ProcessRunner.StartListeningAsync(assembly, _ => [], port => new Dictionary<string, string?>
        {
            ["FUNCTIONS_CUSTOMHANDLER_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        var port = process.Port;

        using var http = new HttpClient();
        var response = await PollAsync(http, new Uri($"http://127.0.0.1:{port}/api/v1/sessions"), process);
        // Served (the tenant API is closed until configured), not a connection failure.
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Started_by_a_functions_host_it_runs_as_an_isolated_worker_and_connects_to_the_host()
    {
        // What the Functions host passes; nothing listens there, so the worker's gRPC connection is refused. Standalone
        // would instead start Kestrel and keep running; the worker must instead compose its services, pass start-up
        // validation and then fail on the host connection, quickly and without hanging.
        using var port = new ClosedTcpPort();
        var closed = port.Port;
        var assembly = ProcessRunner.FindBuiltAssembly("src/DvServerless.Functions", "DvServerless.Functions.dll");
        await using var process = ProcessRunner.Start(assembly,
            ["--functions-uri", $"http://127.0.0.1:{closed}/", "--functions-worker-id", "w1", "--functions-request-id", "r1",
                "--functions-grpc-max-message-length", "2147483647"],
            new Dictionary<string, string?>());

        var exited = await process.WaitForExitAsync(TimeSpan.FromSeconds(45));

        Assert.True(exited, "The worker kept running without a host:\n" + process.Output);
        Assert.NotEqual(0, process.Process.ExitCode);
        Assert.Contains("Unavailable", process.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("OptionsValidationException", process.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unable to resolve service", process.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_media_worker_starts_with_no_configuration_and_refuses_a_socket_without_a_token()
    {
        var assembly = ProcessRunner.FindBuiltAssembly("src/DvServerless.MediaWorker", "DvServerless.MediaWorker.dll");
        await using var process = await ProcessRunner.StartListeningAsync(assembly, port => ["--urls", $"http://127.0.0.1:{port}"], _ => new Dictionary<string, string?>());
        var port = process.Port;
        using var http = new HttpClient();
        var health = await PollAsync(http, new Uri($"http://127.0.0.1:{port}/healthz"), process);
        Assert.True(health.IsSuccessStatusCode, process.Output);

        using var socket = new System.Net.WebSockets.ClientWebSocket();
        var refused = await Assert.ThrowsAsync<System.Net.WebSockets.WebSocketException>(
            () => socket.ConnectAsync(new Uri($"ws://127.0.0.1:{port}/media/acs?callId=abc"), CancellationToken.None));
        Assert.Contains("401", refused.Message, StringComparison.Ordinal);
    }

    private static async Task<HttpResponseMessage> PollAsync(HttpClient http, Uri uri, RunningProcess process)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            if (process.Process.HasExited)
            {
                throw new InvalidOperationException($"The app exited with {process.Process.ExitCode}:\n{process.Output}");
            }

            try
            {
                return await http.GetAsync(uri);
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }
}
