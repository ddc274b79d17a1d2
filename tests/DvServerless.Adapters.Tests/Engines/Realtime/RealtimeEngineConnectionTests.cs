using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Core;
using DvServerless.Adapters.Engines.Realtime;
using DvServerless.Core.Engines;
using Microsoft.Extensions.Time.Testing;

namespace DvServerless.Adapters.Tests.Engines.Realtime;

public sealed class RealtimeEngineConnectionTests
{
    [Fact]
    public async Task StartAsync_OpenAI_ConnectsToV1RealtimeWithBearerAndRealtimeSubprotocolAndNoBetaHeader()
    {
        await using var server = await FakeRealtimeServer.StartAsync();
        await using var engine = new RealtimeEngine("call-1", new AgentOptions(), OpenAIOptions(server));

        await engine.StartAsync(CancellationToken.None);

        var handshake = server.Handshake!;
        Assert.Equal("/v1/realtime", handshake.Path);
        Assert.Equal("?model=gpt-realtime", handshake.Query);
        Assert.Equal("Bearer sk-test-key", handshake.Headers["Authorization"]);
        Assert.False(handshake.Headers.ContainsKey("OpenAI-Beta"));
        Assert.False(handshake.Headers.ContainsKey("api-key"));
        Assert.Contains("realtime", handshake.SubProtocols);
        Assert.Equal("realtime-simulator", engine.Name); // loopback endpoint
        Assert.Equal(24_000, engine.AudioFormat.SampleRate);
    }

    [Fact]
    public async Task StartAsync_AzureKey_UsesOpenAIV1PathDeploymentAndApiKeyHeaderWithoutApiVersion()
    {
        await using var server = await FakeRealtimeServer.StartAsync();
        var options = new RealtimeEngineOptions
        {
            Service = RealtimeServiceKind.AzureOpenAI,
            BaseUrl = new Uri(server.BaseUrl + "/openai/v1"),
            ApiKey = "azure-test-key",
        };
        await using var engine = new RealtimeEngine("call-1", new AgentOptions { Model = "my-realtime-deployment" }, options);

        await engine.StartAsync(CancellationToken.None);

        var handshake = server.Handshake!;
        Assert.Equal("/openai/v1/realtime", handshake.Path);
        Assert.Equal("?model=my-realtime-deployment", handshake.Query);
        Assert.Equal("azure-test-key", handshake.Headers["api-key"]);
        Assert.False(handshake.Headers.TryGetValue("Authorization", out var auth) && auth.Contains("azure-test-key"));
        Assert.False(handshake.Headers.ContainsKey("OpenAI-Beta"));
        Assert.Contains("realtime", handshake.SubProtocols);
    }

    [Fact]
    public async Task StartAsync_AzureEntra_SendsTokenForCognitiveServicesScopeAsBearer()
    {
        await using var server = await FakeRealtimeServer.StartAsync();
        var credential = new RecordingTokenCredential("entra-access-token");
        var options = new RealtimeEngineOptions
        {
            Service = RealtimeServiceKind.AzureOpenAI,
            BaseUrl = new Uri(server.BaseUrl + "/openai/v1"),
            Credential = credential,
        };
        await using var engine = new RealtimeEngine("call-1", new AgentOptions { Model = "dep" }, options);

        await engine.StartAsync(CancellationToken.None);

        Assert.Equal(["https://cognitiveservices.azure.com/.default"], credential.Scopes);
        Assert.Equal("Bearer entra-access-token", server.Handshake!.Headers["Authorization"]);
        Assert.False(server.Handshake.Headers.ContainsKey("api-key"));
    }

    [Fact]
    public async Task StartAsync_SendsGaSessionUpdateWithNestedAudioAt24kHz()
    {
        await using var server = await FakeRealtimeServer.StartAsync();
        var agent = new AgentOptions
        {
            Instructions = "Be brief.",
            Voice = "cedar",
            TranscriptionModel = "gpt-4o-mini-transcribe",
            VadThreshold = 0.6,
            VadPrefixPaddingMs = 250,
            VadSilenceDurationMs = 400,
        };
        var options = OpenAIOptions(server);
        options.MaxOutputTokens = 1024;
        await using var engine = new RealtimeEngine("call-1", agent, options);

        await engine.StartAsync(CancellationToken.None);

        var frame = await server.NextFrameAsync();
        var expected = """
            {"type":"session.update","event_id":"dvs_session_update_1","session":{"type":"realtime","instructions":"Be brief.",
             "output_modalities":["audio"],
             "audio":{"input":{"format":{"type":"audio/pcm","rate":24000},"transcription":{"model":"gpt-4o-mini-transcribe"},
                               "turn_detection":{"type":"server_vad","threshold":0.6,"prefix_padding_ms":250,"silence_duration_ms":400,
                                                 "create_response":true,"interrupt_response":true}},
                      "output":{"format":{"type":"audio/pcm","rate":24000},"voice":"cedar"}},
             "max_output_tokens":1024}}
            """;
        AssertJsonEqual(expected, frame);
    }

    [Fact]
    public async Task StartAsync_SemanticVadWithoutTranscription_SendsSemanticVadAndNullTranscription()
    {
        await using var server = await FakeRealtimeServer.StartAsync();
        var agent = new AgentOptions { TurnDetection = "semantic_vad", TranscriptionModel = "" };
        await using var engine = new RealtimeEngine("call-1", agent, OpenAIOptions(server));

        await engine.StartAsync(CancellationToken.None);

        var input = (await server.NextFrameAsync()).GetProperty("session").GetProperty("audio").GetProperty("input");
        Assert.Equal(JsonValueKind.Null, input.GetProperty("transcription").ValueKind);
        AssertJsonEqual("""{"type":"semantic_vad","create_response":true,"interrupt_response":true}""", input.GetProperty("turn_detection"));
    }

    [Fact]
    public async Task StartAsync_WaitsForSessionUpdated()
    {
        await using var server = await FakeRealtimeServer.StartAsync();
        server.SessionUpdateReply = _ => null;
        await using var engine = new RealtimeEngine("call-1", new AgentOptions(), OpenAIOptions(server));

        var start = engine.StartAsync(CancellationToken.None);
        await server.NextFrameAsync(); // session.update arrived; session.created was sent before it
        Assert.False(start.IsCompleted);

        await server.SendAsync(FakeRealtimeServer.SessionUpdatedJson);
        await start.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task StartAsync_ErrorEventInsteadOfSessionUpdated_FailsWithTheServerMessage()
    {
        await using var server = await FakeRealtimeServer.StartAsync();
        server.SessionUpdateReply = _ => """
            {"event_id":"event_890","type":"error","error":{"type":"invalid_request_error","code":"invalid_value",
             "message":"Invalid value: 'nova'. Supported values are: 'alloy', 'marin'.","param":"session.audio.output.voice","event_id":"dvs_session_update_1"}}
            """;
        await using var engine = new RealtimeEngine("call-1", new AgentOptions { Voice = "nova" }, OpenAIOptions(server));

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => engine.StartAsync(CancellationToken.None));

        Assert.Contains("Invalid value: 'nova'", ex.Message);
        Assert.Contains("invalid_value", ex.Message);
    }

    [Fact]
    public async Task StartAsync_NoSessionUpdatedBeforeTimeout_ThrowsTimeout()
    {
        await using var server = await FakeRealtimeServer.StartAsync();
        server.SessionUpdateReply = _ => null;
        var time = new FakeTimeProvider();
        var options = OpenAIOptions(server);
        options.SessionStartTimeout = TimeSpan.FromSeconds(15);
        await using var engine = new RealtimeEngine("call-1", new AgentOptions(), options, timeProvider: time);

        var start = engine.StartAsync(CancellationToken.None);
        await server.NextFrameAsync();
        time.Advance(TimeSpan.FromSeconds(16));

        await Assert.ThrowsAsync<TimeoutException>(() => start.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task StartAsync_GreetFirst_DoesNotGreetByItself_TheGreetingIsAskedForOnce()
    {
        await using var server = await FakeRealtimeServer.StartAsync();
        var agent = new AgentOptions { GreetFirst = true, GreetingInstructions = "Greet the caller by saying hello." };
        await using var engine = new RealtimeEngine("call-1", agent, OpenAIOptions(server));

        await engine.StartAsync(CancellationToken.None);
        await engine.SendUserTextAsync("marker", CancellationToken.None);

        // session.update, then nothing until the caller's own frames: the engine sends no response.create of its own.
        Assert.Equal("session.update", (await server.NextFrameAsync()).GetProperty("type").GetString());
        Assert.Equal("conversation.item.create", (await server.NextFrameAsync()).GetProperty("type").GetString());
        AssertJsonEqual("""{"type":"response.create"}""", await server.NextFrameAsync());
    }

    internal static RealtimeEngineOptions OpenAIOptions(FakeRealtimeServer server) => new()
    {
        Service = RealtimeServiceKind.OpenAI,
        BaseUrl = new Uri(server.BaseUrl + "/v1"),
        ApiKey = "sk-test-key",
    };

    internal static void AssertJsonEqual(string expected, JsonElement actual)
    {
        var expectedNode = JsonNode.Parse(expected);
        var actualNode = JsonNode.Parse(actual.GetRawText());
        Assert.True(JsonNode.DeepEquals(expectedNode, actualNode), $"Expected {expectedNode!.ToJsonString()}\nActual   {actualNode!.ToJsonString()}");
    }

    private sealed class RecordingTokenCredential(string token) : TokenCredential
    {
        public List<string> Scopes { get; } = [];

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            Scopes.AddRange(requestContext.Scopes);
            return new AccessToken(token, DateTimeOffset.UtcNow.AddHours(1));
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }
}
