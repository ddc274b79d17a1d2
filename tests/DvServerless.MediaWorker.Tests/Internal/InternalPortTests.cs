using System.Net;
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
    [InlineData("http://127.0.0.1:7073", "http://127.0.0.1:7074")]
    [InlineData("http://+:8080", "http://127.0.0.1:8081")]
    public void By_default_the_internal_port_is_loopback_next_to_the_public_one(string publicUrl, string expected)
    {
        var builder = WebApplication.CreateBuilder(["--urls", publicUrl]);

        var port = InternalPort.Listen(builder);

        Assert.Equal(new Uri(expected), port.LocalBaseUrl);
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
