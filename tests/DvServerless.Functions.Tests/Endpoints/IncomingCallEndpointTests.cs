using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using DvServerless.Testing;
using DvServerless.Functions.Tests.Fakes;

namespace DvServerless.Functions.Tests.Endpoints;

public sealed class IncomingCallEndpointTests
{
    private const string Route = "/api/acs/incoming-call";

    [Fact]
    public async Task The_event_grid_handshake_returns_the_validation_code()
    {
        await using var host = await TestFunctionsHost.StartAsync();

        using var response = await host.Client.SendAsync(Post(Route, IncomingCallSamples.SubscriptionValidation, "SubscriptionValidation"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("""{"validationResponse":"512d38b6-c7b8-40c8-89fe-f46f9e9622b6"}""", await response.Content.ReadAsStringAsync());
        Assert.Empty(host.Services.Acs.Answers);
    }

    [Fact]
    public async Task The_cloud_events_handshake_allows_the_origin()
    {
        await using var host = await TestFunctionsHost.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Options, Route);
        request.Headers.Add("WebHook-Request-Origin", "eventgrid.azure.net");

        using var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("eventgrid.azure.net", Assert.Single(response.Headers.GetValues("WebHook-Allowed-Origin")));
        Assert.Equal("POST", Assert.Single(response.Content.Headers.Allow));
    }

    [Fact]
    public async Task An_options_request_without_an_origin_is_refused()
    {
        await using var host = await TestFunctionsHost.StartAsync();

        using var response = await host.Client.SendAsync(new HttpRequestMessage(HttpMethod.Options, Route));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task An_incoming_call_is_answered_once_per_call()
    {
        await using var host = await TestFunctionsHost.StartAsync();

        using var first = await host.Client.SendAsync(Post(Route, IncomingCallSamples.EventGridDelivery(), "Notification"));
        using var second = await host.Client.SendAsync(Post(Route, IncomingCallSamples.EventGridDelivery(), "Notification"));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        using var body = JsonDocument.Parse(await first.Content.ReadAsStringAsync());
        var call = Assert.Single(body.RootElement.GetProperty("calls").EnumerateArray());
        Assert.Equal(IncomingCallSamples.CorrelationId, call.GetProperty("callId").GetString());
        Assert.Equal("Answered", call.GetProperty("result").GetString());
        Assert.Single(host.Services.Acs.Answers);
    }

    [Fact]
    public async Task A_delivery_for_a_call_another_instance_is_deciding_is_a_503_to_be_redelivered()
    {
        await using var host = await TestFunctionsHost.StartAsync();
        var now = host.Services.Time.GetUtcNow();
        Assert.True(await host.Services.Sessions.TryCreateAsync(new DvServerless.Core.Calls.CallSession
        {
            CallId = IncomingCallSamples.CorrelationId, CreatedAt = now, UpdatedAt = now,
            History = [new DvServerless.Core.Calls.CallStateChange(DvServerless.Core.Calls.CallState.Ringing, now, null)],
        }));

        using var early = await host.Client.SendAsync(Post(Route, IncomingCallSamples.EventGridDelivery(), "Notification"));
        host.Services.Time.Advance(TimeSpan.FromSeconds(6));
        using var late = await host.Client.SendAsync(Post(Route, IncomingCallSamples.EventGridDelivery(), "Notification"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, early.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(5), early.Headers.RetryAfter?.Delta);
        Assert.Equal(HttpStatusCode.OK, late.StatusCode);
        using var body = JsonDocument.Parse(await late.Content.ReadAsStringAsync());
        Assert.Equal("Answered", Assert.Single(body.RootElement.GetProperty("calls").EnumerateArray()).GetProperty("result").GetString());
        Assert.Single(host.Services.Acs.Answers);
    }

    [Fact]
    public async Task The_callback_uri_ignores_the_request_host()
    {
        await using var host = await TestFunctionsHost.StartAsync(new Dictionary<string, string?>
        {
            ["Functions:PublicBaseUrl"] = "https://dvs-func.example.net",
        });
        var request = Post(Route, IncomingCallSamples.EventGridDelivery(), "Notification");
        request.Headers.Host = "attacker.example.com";

        using var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = Assert.Single(host.Services.Acs.Answers);
        Assert.Equal($"https://dvs-func.example.net/api/acs/callbacks/{IncomingCallSamples.CorrelationId}", answer.CallbackUri.AbsoluteUri);
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("""{"unterminated": """)]
    [InlineData("42")]
    public async Task A_malformed_body_gets_400_and_changes_nothing(string body)
    {
        await using var host = await TestFunctionsHost.StartAsync();

        using var response = await host.Client.SendAsync(Post(Route, body, "Notification"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("bad_request", error.RootElement.GetProperty("error").GetString());
        Assert.False(string.IsNullOrWhiteSpace(error.RootElement.GetProperty("message").GetString()));
        Assert.Empty(host.Services.Sessions.Snapshot());
        Assert.Empty(host.Services.Acs.Answers);
    }

    [Fact]
    public async Task Other_event_types_are_acknowledged_and_ignored()
    {
        await using var host = await TestFunctionsHost.StartAsync();
        var body = IncomingCallSamples.EventGridDelivery().Replace("Microsoft.Communication.IncomingCall", "Microsoft.Communication.CallEnded", StringComparison.Ordinal);

        using var response = await host.Client.SendAsync(Post(Route, body, "Notification"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(host.Services.Acs.Answers);
        Assert.Empty(host.Services.Sessions.Snapshot());
    }

    [Fact]
    public async Task A_body_over_one_mebibyte_gets_413()
    {
        await using var host = await TestFunctionsHost.StartAsync();
        var body = "[" + new string(' ', 1024 * 1024) + "]";

        using var response = await host.Client.SendAsync(Post(Route, body, "Notification"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Empty(host.Services.Acs.Answers);
    }

    [Fact]
    public async Task Keys_tokens_and_phone_numbers_stay_out_of_the_logs()
    {
        var logs = new CapturingLoggerProvider();
        await using var host = await TestFunctionsHost.StartAsync(logs: logs);
        var request = Post(Route + "?code=FUNCTION-KEY-VALUE", IncomingCallSamples.EventGridDelivery(), "Notification");
        request.Headers.Add("x-functions-key", "HEADER-KEY-VALUE");

        using var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var token = System.Web.HttpUtility.ParseQueryString(Assert.Single(host.Services.Acs.Answers).MediaTransportUrl!.Query)["token"]!;
        Assert.NotEmpty(logs.Messages);
        Assert.Contains(logs.Messages, m => m.Contains("0123", StringComparison.Ordinal));
        foreach (var message in logs.Messages)
        {
            Assert.DoesNotContain("FUNCTION-KEY-VALUE", message, StringComparison.Ordinal);
            Assert.DoesNotContain("HEADER-KEY-VALUE", message, StringComparison.Ordinal);
            Assert.DoesNotContain(token, message, StringComparison.Ordinal);
            Assert.DoesNotContain("4255550123", message, StringComparison.Ordinal);
            Assert.DoesNotContain("8005550199", message, StringComparison.Ordinal);
        }
    }

    internal static HttpRequestMessage Post(string route, string body, string? aegEventType = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, route)
        {
            Content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        if (aegEventType is not null)
        {
            request.Headers.Add("aeg-event-type", aegEventType);
        }

        return request;
    }
}
