using System.Net;
using System.Text.Json.Nodes;
using DvServerless.Adapters.Engines.Realtime;
using DvServerless.Adapters.OpenAI.ClientSecrets;
using Microsoft.Extensions.DependencyInjection;

namespace DvServerless.Adapters.Tests.OpenAI;

/// <summary>
/// Minting a browser's ephemeral key through the client as the apps register it: 429 and 5xx are retried a bounded number
/// of times, honouring <c>Retry-After</c>, then answered as a clear failure; other 4xx are final.
/// </summary>
public sealed class RealtimeClientSecretsRetryTests
{
    private const string Minted = """{"value":"ek_test","expires_at":1893456000,"session":{"type":"realtime"}}""";

    private static RealtimeClientSecretsClient Create(CapturingHandler handler)
    {
        var services = new ServiceCollection().AddLogging();
        services.AddRealtimeClientSecrets();
        services.AddHttpClient(RealtimeClientSecretsClientFactory.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => handler);
        return services.BuildServiceProvider().GetRequiredService<RealtimeClientSecretsClientFactory>()
            .Create(new RealtimeEngineOptions { Service = RealtimeServiceKind.OpenAI, ApiKey = "sk-test" });
    }

    private static Task<RealtimeClientSecretResult> Mint(RealtimeClientSecretsClient client) =>
        client.CreateAsync(new JsonObject { ["type"] = "realtime" }, 60, CancellationToken.None);

    [Fact]
    public async Task A_busy_service_is_asked_again_and_the_key_is_minted()
    {
        var handler = new CapturingHandler(HttpStatusCode.ServiceUnavailable, HttpStatusCode.TooManyRequests)
        {
            RetryAfter = TimeSpan.Zero, SuccessBody = Minted,
        };
        var result = await Mint(Create(handler));
        Assert.Equal("ek_test", result.Secret?.Value);
        Assert.Equal(3, handler.Requests.Count);
        Assert.All(handler.Requests, r => Assert.Equal(handler.Requests[0].Body, r.Body));
    }

    [Fact]
    public async Task After_three_failures_the_last_answer_is_the_result()
    {
        var handler = new CapturingHandler(HttpStatusCode.InternalServerError, HttpStatusCode.BadGateway, HttpStatusCode.ServiceUnavailable, HttpStatusCode.OK)
        {
            RetryAfter = TimeSpan.Zero, SuccessBody = Minted,
        };
        var result = await Mint(Create(handler));
        Assert.Null(result.Secret);
        Assert.Equal(503, result.StatusCode);
        Assert.Equal(3, handler.Requests.Count);
    }

    [Fact]
    public async Task A_retry_after_longer_than_the_browser_can_wait_is_answered_at_once()
    {
        var handler = new CapturingHandler(HttpStatusCode.TooManyRequests) { RetryAfter = TimeSpan.FromSeconds(60), SuccessBody = Minted };
        var result = await Mint(Create(handler));
        Assert.Null(result.Secret);
        Assert.Equal(429, result.StatusCode);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task A_refused_request_is_not_repeated()
    {
        var handler = new CapturingHandler(HttpStatusCode.BadRequest) { SuccessBody = Minted };
        var result = await Mint(Create(handler));
        Assert.Null(result.Secret);
        Assert.Equal(400, result.StatusCode);
        Assert.Single(handler.Requests);
    }
}
