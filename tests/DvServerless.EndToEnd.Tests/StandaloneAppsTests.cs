using System.Net;
using System.Net.Sockets;

namespace DvServerless.EndToEnd.Tests;

/// <summary>The Functions executable and the media worker started on their own, with no configuration at all.</summary>
public sealed class StandaloneAppsTests
{
    [Fact]
    public async Task The_functions_executable_starts_with_no_configuration_on_the_custom_handler_port()
    {
        var port = FreePort();
        var assembly = ProcessRunner.FindBuiltAssembly("src/DvServerless.Functions", "DvServerless.Functions.dll");
        await using var process = ProcessRunner.Start(assembly, [], new Dictionary<string, string?>
        {
            // What the Azure Functions host sets for a custom handler.
            ["FUNCTIONS_CUSTOMHANDLER_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });

        // The host polls the root until any HTTP response comes back.
        using var http = new HttpClient();
        var response = await PollAsync(http, new Uri($"http://127.0.0.1:{port}/"), process);
        Assert.True(response.IsSuccessStatusCode, process.Output);

        // A malformed Event Grid delivery is refused with a clear 4xx and no storage is needed to say so.
        var bad = await http.PostAsync(new Uri($"http://127.0.0.1:{port}/api/acs/incoming-call"), new StringContent("not json", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task The_media_worker_starts_with_no_configuration_and_refuses_a_socket_without_a_token()
    {
        var port = FreePort();
        var assembly = ProcessRunner.FindBuiltAssembly("src/DvServerless.MediaWorker", "DvServerless.MediaWorker.dll");
        await using var process = ProcessRunner.Start(assembly, ["--urls", $"http://127.0.0.1:{port}"], new Dictionary<string, string?>());
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

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
