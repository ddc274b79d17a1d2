using System.Globalization;
using System.Net;
using System.Net.Sockets;
using DvServerless.MediaWorker.Hosting;
using Microsoft.AspNetCore.Builder;

namespace DvServerless.MediaWorker.Tests.Internal;

/// <summary>What the ingress exposes and what it does not: /metrics and the REST stand-in live on the internal port only.</summary>
public sealed class InternalPortTests : IAsyncLifetime
{
    private static readonly HttpClient Http = new();
    private InternalWorker _worker = null!;

    public async Task InitializeAsync() => _worker = await InternalWorker.StartAsync();

    public async Task DisposeAsync()
    {
        await _worker.DisposeAsync();
    }

    [Fact]
    public async Task Metrics_answer_on_the_internal_port_and_404_on_the_public_one()
    {
        using var inside = await Http.GetAsync(new Uri(_worker.InternalUrl, "/metrics"));
        using var outside = await Http.GetAsync(new Uri(_worker.PublicUrl, "/metrics"));

        Assert.Equal(HttpStatusCode.OK, inside.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, outside.StatusCode);
    }

    [Fact]
    public async Task Public_routes_are_not_served_on_the_internal_port()
    {
        using var publicHealth = await Http.GetAsync(new Uri(_worker.PublicUrl, "/healthz"));
        using var internalHealth = await Http.GetAsync(new Uri(_worker.InternalUrl, "/healthz"));
        using var internalConsole = await Http.GetAsync(new Uri(_worker.InternalUrl, "/console"));
        using var internalRoot = await Http.GetAsync(_worker.InternalUrl);

        Assert.Equal(HttpStatusCode.OK, publicHealth.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, internalHealth.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, internalConsole.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, internalRoot.StatusCode);
    }

    [Fact]
    public async Task The_rest_stand_in_is_404_on_the_public_port_whatever_the_token()
    {
        var url = new Uri(_worker.PublicUrl, "/api/hubs/live/groups/admin/:send?api-version=2022-06-01");
        using var request = LiveRestEndpointTests.Send(url, InternalWorker.AccessKey, """{"target":"x","arguments":[]}""");

        using var response = await Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Empty(_worker.Hub.Sends);
    }

    [Theory]
    [InlineData("http://127.0.0.1:{0}")]
    [InlineData("http://+:{0}")]
    public void By_default_the_internal_port_is_loopback_next_to_the_public_one(string publicUrl)
    {
        var publicPort = FreePortPair();
        var builder = WebApplication.CreateBuilder(["--urls", string.Format(CultureInfo.InvariantCulture, publicUrl, publicPort)]);

        var port = InternalPort.Listen(builder);

        Assert.Equal(new Uri($"http://127.0.0.1:{publicPort + 1}"), port.LocalBaseUrl);
    }

    [Fact]
    public void When_the_next_port_is_taken_the_internal_port_is_another_free_one()
    {
        var publicPort = FreePortPair();
        using var holder = new TcpListener(IPAddress.Loopback, publicPort + 1);
        holder.Start();
        var builder = WebApplication.CreateBuilder(["--urls", $"http://127.0.0.1:{publicPort}"]);

        var port = InternalPort.Listen(builder);

        var chosen = Assert.Single(port.Ports);
        Assert.NotEqual(publicPort + 1, chosen);
        Assert.NotEqual(publicPort, chosen);
        Assert.Equal("127.0.0.1", port.LocalBaseUrl.Host);
    }

    // A free port whose next port is free too, so the default rule has something to pick.
    private static int FreePortPair()
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            using var first = new TcpListener(IPAddress.Loopback, 0);
            first.Start();
            var port = ((IPEndPoint)first.LocalEndpoint).Port;
            if (port >= 65535)
            {
                continue;
            }

            try
            {
                using var next = new TcpListener(IPAddress.Loopback, port + 1);
                next.Start();
                return port;
            }
            catch (SocketException)
            {
            }
        }

        throw new InvalidOperationException("No pair of free loopback ports found.");
    }

    [Fact]
    public void In_the_container_the_configured_internal_url_listens_on_every_interface()
    {
        var builder = WebApplication.CreateBuilder(["--http_ports", "8080", "--MediaWorker:InternalUrls", "http://+:9090"]);

        var port = InternalPort.Listen(builder);

        Assert.Equal([9090], port.Ports);
        Assert.Equal("+", Assert.Single(port.Addresses).Host);
    }

    [Theory]
    [InlineData("http://127.0.0.1:7073", "Ports 7073 must be distinct")]
    [InlineData("http://127.0.0.1:0", "fixed port")]
    [InlineData("https://127.0.0.1:9090", "plain http")]
    [InlineData("not a url", "like http://+:9090")]
    public void A_bad_internal_url_fails_start_up_naming_the_setting(string internalUrls, string expected)
    {
        var builder = WebApplication.CreateBuilder(["--urls", "http://127.0.0.1:7073", "--MediaWorker:InternalUrls", internalUrls]);

        var error = Assert.Throws<InvalidOperationException>(() => InternalPort.Listen(builder));

        Assert.StartsWith("MediaWorker:InternalUrls", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected == "Ports 7073 must be distinct" ? "also a public port" : expected, error.Message, StringComparison.Ordinal);
    }
}
