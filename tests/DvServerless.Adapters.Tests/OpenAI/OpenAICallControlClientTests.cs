using System.Net;
using DvServerless.Adapters.Engines.Realtime;
using DvServerless.Adapters.OpenAI.Calls;
using DvServerless.Core.Engines;
using DvServerless.Testing;
using DvServerless.Testing.Schemas;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace DvServerless.Adapters.Tests.OpenAI;

public sealed class OpenAICallControlClientTests
{
    private const string CallId = "rtc_0123456789abcdef0123456789abcdef";

    private static (OpenAICallControlClient Client, CapturingHandler Handler) Create(RealtimeEngineOptions options, params HttpStatusCode[] answers)
    {
        var handler = new CapturingHandler(answers);
        return (Registered(handler, new FakeTimeProvider(), new Dictionary<string, string?> { ["OpenAI:CallControl:InitialRetryDelay"] = "00:00:00" }).Create(options), handler);
    }

    // The client as the apps get it: from the IHttpClientFactory client with its resilience pipeline, on a fake clock.
    private static OpenAICallControlClientFactory Registered(HttpMessageHandler transport, TimeProvider time, Dictionary<string, string?>? settings = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings ?? []).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton(time);
        services.AddOpenAICallControl(configuration);
        services.AddHttpClient(OpenAICallControlClientFactory.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => transport);
        return services.BuildServiceProvider().GetRequiredService<OpenAICallControlClientFactory>();
    }

    private static RealtimeEngineOptions OpenAI() => new() { Service = RealtimeServiceKind.OpenAI, ApiKey = "sk-test" };

    private static SwaggerSchemaValidator Spec() =>
        SwaggerSchemaValidator.Load(SharedSpecs.PathOf("specs/openai/openapi.realtime.json"));

    [SkippableFact]
    public async Task Every_body_sent_validates_against_the_openapi_schemas()
    {
        var spec = Spec();
        var (client, handler) = Create(OpenAI());
        var agent = new AgentOptions { GreetFirst = true, VadThreshold = 0.7, VadPrefixPaddingMs = 200, VadSilenceDurationMs = 900 };
        var session = AcceptSessionBuilder.Build(agent, [AcceptSessionBuilder.CreateEndCallTool(), AcceptSessionBuilder.CreateTransferTool()]);
        var semantic = AcceptSessionBuilder.Build(new AgentOptions { TurnDetection = "semantic_vad", TranscriptionModel = null });
        Assert.True((await client.AcceptAsync(CallId, session, CancellationToken.None)).IsOk);
        Assert.True((await client.AcceptAsync(CallId, semantic, CancellationToken.None)).IsOk);
        Assert.True((await client.RejectAsync(CallId, 486, CancellationToken.None)).IsOk);
        Assert.True((await client.RejectAsync(CallId, null, CancellationToken.None)).IsOk);
        Assert.True((await client.ReferAsync(CallId, "tel:+14155550123", CancellationToken.None)).IsOk);
        Assert.True((await client.HangUpAsync(CallId, CancellationToken.None)).IsOk);

        Assert.Empty(spec.ValidateDefinition("RealtimeSessionCreateRequestGA", handler.Requests[0].Body!));
        Assert.Empty(spec.ValidateDefinition("RealtimeSessionCreateRequestGA", handler.Requests[1].Body!));
        Assert.Equal("""{"status_code":486}""", handler.Requests[2].Body);
        Assert.Empty(spec.ValidateDefinition("RealtimeCallRejectRequest", handler.Requests[2].Body!));
        Assert.Null(handler.Requests[3].Body);
        Assert.Equal("""{"target_uri":"tel:\u002B14155550123"}""", handler.Requests[4].Body);
        Assert.Empty(spec.ValidateDefinition("RealtimeCallReferRequest", handler.Requests[4].Body!));
        Assert.Null(handler.Requests[5].Body);
    }

    [Fact]
    public void The_accept_body_never_carries_sip_refused_vad_fields_nor_formats()
    {
        var agent = new AgentOptions { Model = "gpt-realtime", Voice = "cedar", Instructions = "Be brief.", VadThreshold = 0.9 };
        var json = AcceptSessionBuilder.Build(agent, [AcceptSessionBuilder.CreateEndCallTool()]).ToJsonString();
        Assert.DoesNotContain("threshold", json, StringComparison.Ordinal);
        Assert.DoesNotContain("prefix_padding_ms", json, StringComparison.Ordinal);
        Assert.DoesNotContain("silence_duration_ms", json, StringComparison.Ordinal);
        Assert.DoesNotContain("format", json, StringComparison.Ordinal);
        Assert.Equal(
            """{"type":"realtime","model":"gpt-realtime","instructions":"Be brief.","audio":{"input":{"transcription":{"model":"gpt-4o-mini-transcribe"},"turn_detection":{"type":"server_vad","create_response":true,"interrupt_response":true}},"output":{"voice":"cedar"}},"tools":[""" +
            """{"type":"function","name":"end_call","description":"End the phone call. Call this after you have said goodbye, or when the caller asks to hang up.","parameters":{"type":"object","properties":{"reason":{"type":"string","description":"Why the call ends, in a few words."}},"required":[],"additionalProperties":false}}]}""",
            json);
    }

    [Theory]
    [InlineData("accept")]
    [InlineData("reject")]
    [InlineData("refer")]
    [InlineData("hangup")]
    public async Task Openai_paths_and_headers(string operation)
    {
        var (client, handler) = Create(OpenAI());
        await Invoke(client, operation);
        var request = handler.Requests.Single().Request;
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal($"https://api.openai.com/v1/realtime/calls/{CallId}/{operation}", request.RequestUri!.ToString());
        Assert.Equal("Bearer sk-test", request.Headers.Authorization!.ToString());
        Assert.Equal("*/*", request.Headers.Accept.ToString());
        Assert.False(request.Headers.Contains("api-key"));
        Assert.False(request.Headers.Contains("OpenAI-Beta"));
    }

    [Fact]
    public async Task Azure_uses_the_resource_base_and_the_api_key_header()
    {
        var options = new RealtimeEngineOptions
        {
            Service = RealtimeServiceKind.AzureOpenAI, BaseUrl = new Uri("https://contoso.openai.azure.com/openai/v1"), ApiKey = "azure-key",
        };
        var (client, handler) = Create(options);
        await client.HangUpAsync(CallId, CancellationToken.None);
        var request = handler.Requests.Single().Request;
        Assert.Equal($"https://contoso.openai.azure.com/openai/v1/realtime/calls/{CallId}/hangup", request.RequestUri!.ToString());
        Assert.Equal("azure-key", request.Headers.GetValues("api-key").Single());
        Assert.Null(request.Headers.Authorization);
    }

    [Fact]
    public async Task Azure_without_a_key_sends_an_entra_bearer_token_for_cognitive_services()
    {
        var credential = new RecordingCredential();
        var options = new RealtimeEngineOptions
        {
            Service = RealtimeServiceKind.AzureOpenAI, BaseUrl = new Uri("https://contoso.openai.azure.com/openai/v1"), Credential = credential,
        };
        var (client, handler) = Create(options);
        await client.RejectAsync(CallId, null, CancellationToken.None);
        Assert.Equal("Bearer entra-token", handler.Requests.Single().Request.Headers.Authorization!.ToString());
        Assert.Equal(["https://cognitiveservices.azure.com/.default"], credential.Scopes);
    }

    [Fact]
    public async Task Not_found_means_the_call_is_gone()
    {
        var (client, handler) = Create(OpenAI(), HttpStatusCode.NotFound);
        var result = await client.AcceptAsync(CallId, AcceptSessionBuilder.Build(new AgentOptions()), CancellationToken.None);
        Assert.Equal(RealtimeCallControlOutcome.CallGone, result.Outcome);
        Assert.Equal(404, result.StatusCode);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task A_server_error_is_retried_once_it_clears()
    {
        var (client, handler) = Create(OpenAI(), HttpStatusCode.InternalServerError, HttpStatusCode.OK);
        var result = await client.AcceptAsync(CallId, AcceptSessionBuilder.Build(new AgentOptions()), CancellationToken.None);
        Assert.True(result.IsOk);
        Assert.Equal(2, result.Attempts);
        Assert.Equal(2, handler.Requests.Count);
        Assert.Equal(handler.Requests[0].Body, handler.Requests[1].Body);
    }

    [Fact]
    public async Task Retries_are_bounded_and_a_client_error_is_not_retried()
    {
        var (client, handler) = Create(OpenAI(), HttpStatusCode.BadGateway, HttpStatusCode.BadGateway, HttpStatusCode.BadGateway, HttpStatusCode.OK);
        var failed = await client.HangUpAsync(CallId, CancellationToken.None);
        Assert.Equal(RealtimeCallControlOutcome.Failed, failed.Outcome);
        Assert.Equal(502, failed.StatusCode);
        Assert.Equal("failure 502", failed.Message);
        Assert.Equal(3, handler.Requests.Count);

        var (client2, handler2) = Create(OpenAI(), HttpStatusCode.BadRequest);
        var bad = await client2.AcceptAsync(CallId, AcceptSessionBuilder.Build(new AgentOptions()), CancellationToken.None);
        Assert.Equal(RealtimeCallControlOutcome.Failed, bad.Outcome);
        Assert.Equal(400, bad.StatusCode);
        Assert.Single(handler2.Requests);
    }

    [Fact]
    public async Task A_429_is_retried_no_sooner_than_its_retry_after_on_the_injected_clock()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 10, 3, 0, 0, TimeSpan.Zero));
        var handler = new CapturingHandler(HttpStatusCode.TooManyRequests, HttpStatusCode.OK) { RetryAfter = TimeSpan.FromSeconds(3), Time = time };
        var client = Registered(handler, time).Create(OpenAI());
        var started = time.GetUtcNow();

        var pending = client.AcceptAsync(CallId, AcceptSessionBuilder.Build(new AgentOptions()), CancellationToken.None);
        while (handler.Requests.Count < 2 && time.GetUtcNow() - started < TimeSpan.FromMinutes(1))
        {
            await Task.Delay(5);
            time.Advance(TimeSpan.FromMilliseconds(250));
        }

        var result = await pending;
        Assert.True(result.IsOk);
        Assert.Equal(2, result.Attempts);
        Assert.Equal(2, handler.Requests.Count);
        Assert.True(handler.Requests[1].At - handler.Requests[0].At >= TimeSpan.FromSeconds(3), $"retried after {handler.Requests[1].At - handler.Requests[0].At}");
    }

    [Fact]
    public async Task A_retry_after_longer_than_may_be_waited_is_honoured_by_not_retrying()
    {
        // No backoff of our own: were the bound ignored, a retry would come at once (or after the Retry-After) and succeed.
        var handler = new CapturingHandler(HttpStatusCode.TooManyRequests, HttpStatusCode.OK) { RetryAfter = TimeSpan.FromSeconds(30) };
        var settings = new Dictionary<string, string?> { ["OpenAI:CallControl:MaxRetryAfter"] = "00:00:05", ["OpenAI:CallControl:InitialRetryDelay"] = "00:00:00" };
        var client = Registered(handler, new FakeTimeProvider(), settings).Create(OpenAI());
        // A wait on the fake clock would never end; the real deadline turns that into a failure.
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));

        var result = await client.RejectAsync(CallId, 486, deadline.Token);

        Assert.Equal(RealtimeCallControlOutcome.Failed, result.Outcome);
        Assert.Equal(429, result.StatusCode);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public void Call_control_settings_are_validated_at_start_up()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["OpenAI:CallControl:MaxAttempts"] = "9" }).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddOpenAICallControl(configuration);
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(
            () => provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<OpenAICallControlOptions>>().Value);
        Assert.Contains("OpenAI:CallControl", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Malformed_call_ids_never_reach_the_network()
    {
        var (client, handler) = Create(OpenAI());
        await Assert.ThrowsAsync<ArgumentException>(() => client.HangUpAsync("rtc_1/../../files", CancellationToken.None));
        Assert.Empty(handler.Requests);
    }

    private static Task<RealtimeCallControlResult> Invoke(OpenAICallControlClient client, string operation) => operation switch
    {
        "accept" => client.AcceptAsync(CallId, AcceptSessionBuilder.Build(new AgentOptions()), CancellationToken.None),
        "reject" => client.RejectAsync(CallId, 603, CancellationToken.None),
        "refer" => client.ReferAsync(CallId, "sip:agent@example.com", CancellationToken.None),
        _ => client.HangUpAsync(CallId, CancellationToken.None),
    };

    private sealed class RecordingCredential : Azure.Core.TokenCredential
    {
        public List<string> Scopes { get; } = [];

        public override Azure.Core.AccessToken GetToken(Azure.Core.TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            Scopes.AddRange(requestContext.Scopes);
            return new Azure.Core.AccessToken("entra-token", DateTimeOffset.UtcNow.AddHours(1));
        }

        public override ValueTask<Azure.Core.AccessToken> GetTokenAsync(Azure.Core.TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }
}
