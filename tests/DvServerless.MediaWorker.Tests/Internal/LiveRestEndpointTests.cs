using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using DvServerless.Adapters.Live;
using DvServerless.Core.Live;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace DvServerless.MediaWorker.Tests.Internal;

/// <summary>The worker's stand-in for Azure SignalR's group-send REST call, authenticated like the service.</summary>
public sealed class LiveRestEndpointTests : IAsyncLifetime
{
    private const string Event = """{"type":"call:new","callId":"call-7","tenantId":"acme","at":"2026-03-01T12:00:00+00:00","channel":"acs","from":"4:+*******0123"}""";

    private static readonly HttpClient Http = new();
    private InternalWorker _worker = null!;

    public async Task InitializeAsync() => _worker = await InternalWorker.StartAsync();

    public async Task DisposeAsync()
    {
        await _worker.DisposeAsync();
    }

    [Fact]
    public async Task A_send_signed_for_its_url_reaches_the_hub_group_and_answers_202()
    {
        using var response = await Http.SendAsync(Send(Url("tenant-acme"), InternalWorker.AccessKey, $$"""{"target":"call:new","arguments":[{{Event}}]}"""));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var send = Assert.Single(_worker.Hub.Sends);
        Assert.Equal(("tenant-acme", "call:new"), (send.Group, send.Method));
        using var argument = JsonDocument.Parse(Assert.Single(send.ArgumentsJson));
        Assert.Equal("call-7", argument.RootElement.GetProperty("callId").GetString());
        Assert.Equal("4:+*******0123", argument.RootElement.GetProperty("from").GetString());
    }

    [Fact]
    public async Task The_functions_apps_publisher_is_accepted_as_is_and_its_events_reach_both_groups()
    {
        var time = TimeProvider.System;
        using var services = new ServiceCollection().AddHttpClient().BuildServiceProvider();
        var client = new AzureSignalRRestClient(_worker.InternalUrl,
            new AzureSignalRAccessKeyTokenSource(new AzureSignalRAccessKey(InternalWorker.AccessKey), time), services.GetRequiredService<IHttpClientFactory>());
        using var publisher = new AzureSignalRLiveEventPublisher(client, time, NullLogger<AzureSignalRLiveEventPublisher>.Instance);
        await publisher.StartAsync(CancellationToken.None);

        publisher.Publish(new LiveEvent { Type = LiveEventTypes.CallState, CallId = "call-8", TenantId = "acme", At = time.GetUtcNow(), State = "Connected" });
        var sends = await _worker.Hub.WaitForAsync(2);
        // The hub has both messages before the second 202 is back at the publisher, which counts a send on its answer.
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (publisher.Sent + publisher.Dropped < 2)
        {
            await Task.Delay(20, patience.Token);
        }

        await publisher.StopAsync(CancellationToken.None);

        Assert.Equal([("tenant-acme", "call:state"), ("admin", "call:state")], sends.Select(s => (s.Group, s.Method)));
        Assert.Equal(2, publisher.Sent);
        Assert.Equal(0, publisher.Dropped);
    }

    public static TheoryData<string, string> BadTokens() => new()
    {
        { "wrong key", "a-different-access-key-0123456789abcdefgh=" },
        { "expired", "expired" },
        { "for another group's url", "other-url" },
        { "missing", "" },
        { "not a jwt", "garbage" },
    };

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task A_bad_token_is_401_with_an_error_body_and_sends_nothing(string why, string token)
    {
        var url = Url("admin");
        var key = new AzureSignalRAccessKey(InternalWorker.AccessKey);
        var bearer = token switch
        {
            "expired" => key.IssueToken(url.AbsoluteUri, DateTimeOffset.UtcNow.AddMinutes(-5)),
            "other-url" => key.IssueToken(Url("tenant-acme").AbsoluteUri, DateTimeOffset.UtcNow.AddHours(1)),
            "garbage" => "not.a.jwt",
            "" => null,
            _ => new AzureSignalRAccessKey(token).IssueToken(url.AbsoluteUri, DateTimeOffset.UtcNow.AddHours(1)),
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = Json($$"""{"target":"call:new","arguments":[{{Event}}]}""") };
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        using var response = await Http.SendAsync(request);

        Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, why);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("unauthorized", body.RootElement.GetProperty("error").GetString());
        Assert.False(string.IsNullOrEmpty(body.RootElement.GetProperty("message").GetString()));
        Assert.Empty(_worker.Hub.Sends);
    }

    [Theory]
    [InlineData("{")]
    [InlineData("[]")]
    [InlineData("""{"arguments":[]}""")]
    [InlineData("""{"target":"call:new"}""")]
    [InlineData("""{"target":"call:new","arguments":{}}""")]
    [InlineData("""{"target":"call:new","arguments":["not an event"]}""")]
    [InlineData("""{"target":"call:new","arguments":[{"type":"call:ended","callId":"c","at":"2026-03-01T12:00:00Z"}]}""")]
    public async Task A_bad_body_is_400_with_an_error_body_and_sends_nothing(string body)
    {
        using var response = await Http.SendAsync(Send(Url("admin"), InternalWorker.AccessKey, body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("invalid_body", error.RootElement.GetProperty("error").GetString());
        Assert.Empty(_worker.Hub.Sends);
    }

    [Fact]
    public async Task Another_hub_is_404()
    {
        var url = new Uri(_worker.InternalUrl, "/api/hubs/chat/groups/admin/:send?api-version=2022-06-01");

        using var response = await Http.SendAsync(Send(url, InternalWorker.AccessKey, """{"target":"x","arguments":[]}"""));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Empty(_worker.Hub.Sends);
    }

    internal static HttpRequestMessage Send(Uri url, string accessKey, string body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = Json(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", new AzureSignalRAccessKey(accessKey).IssueToken(url.AbsoluteUri, DateTimeOffset.UtcNow.AddHours(1)));
        return request;
    }

    private Uri Url(string group) => AzureSignalRRestClient.GroupSendUri(_worker.InternalUrl, "live", group);

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
}
