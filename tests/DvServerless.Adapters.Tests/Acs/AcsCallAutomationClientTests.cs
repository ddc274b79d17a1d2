using System.Net;
using System.Text.Json;
using Azure.Core;
using Azure.Core.Pipeline;
using DvServerless.Adapters.Acs;
using DvServerless.Testing;
using DvServerless.Testing.Schemas;
using Microsoft.Extensions.Time.Testing;

namespace DvServerless.Adapters.Tests.Acs;

public sealed class AcsCallAutomationClientTests : IDisposable
{
    private const string SpecPath = "specs/acs/data-plane/CallAutomation/stable/2026-03-12/communicationservicescallautomation.json";
    private const string KeyBase64 = "ZHZzZXJ2ZXJsZXNzLXRlc3Qta2V5LWZvci1obWFjLXZlY3RvcnM=";
    private static readonly Uri Endpoint = new("http://127.0.0.1:7075/");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 12, 10, 0, 0, TimeSpan.Zero));
    private readonly CapturingHandler _handler = new();

    public void Dispose() => _handler.Dispose();

    private AcsCallAutomationClient CreateClient()
    {
        var options = new AcsCallAutomationClientOptions { Transport = new HttpClientTransport(new HttpClient(_handler)) };
        options.Retry.Mode = RetryMode.Fixed;
        options.Retry.Delay = TimeSpan.FromMilliseconds(1);
        options.Retry.MaxRetries = 2;
        return new AcsCallAutomationClient(AcsConnectionString.Parse($"endpoint={Endpoint};accesskey={KeyBase64}"), options, _time);
    }

    private static void AssertValid(string definition, CapturedRequest request)
    {
        var validator = SwaggerSchemaValidator.Load(SharedSpecs.PathOf(SpecPath));
        using var document = JsonDocument.Parse(request.Body!);
        var violations = validator.ValidateDefinition(definition, document.RootElement);
        Assert.True(violations.Count == 0, string.Join("\n", violations));
    }

    private static void AssertSigned(CapturedRequest request, string expectedDate)
    {
        Assert.Equal(expectedDate, request.Headers["x-ms-date"]);
        var hash = AcsRequestSigner.ComputeContentHash(request.Body ?? []);
        Assert.Equal(hash, request.Headers["x-ms-content-sha256"]);
        var expected = AcsRequestSigner.BuildAuthorization(Convert.FromBase64String(KeyBase64), request.Method, request.Uri, expectedDate, hash);
        Assert.Equal(expected, request.Headers["Authorization"]);
    }

    private static void AssertRepeatability(CapturedRequest request)
    {
        Assert.True(Guid.TryParseExact(request.Headers["Repeatability-Request-ID"], "D", out var id));
        Assert.Equal('4', id.ToString()[14]); // UUID version 4
        Assert.Equal("Thu, 12 Mar 2026 10:00:00 GMT", request.Headers["Repeatability-First-Sent"]);
    }

    [SkippableFact]
    public async Task Answer_posts_the_js_sdk_shaped_body_and_parses_the_response()
    {
        _handler.Respond(HttpStatusCode.OK, """{"callConnectionId":"conn-1","serverCallId":"srv","callConnectionState":"connecting","correlationId":"corr","callbackUri":"https://app.example/cb","mediaStreamingSubscription":{"id":"s","state":"inactive","subscribedContentTypes":["audio"]},"targets":[{"rawId":"4:+14255550123","phoneNumber":{"value":"+14255550123"}}]}""");
        var client = CreateClient();

        var result = await client.AnswerCallAsync(new AnswerCallRequest("ctx+/=", new Uri("https://app.example/cb?x=1"))
        {
            MediaTransportUrl = new Uri("wss://worker.example/media/acs?callId=c1&token=t"),
            OperationContext = "op",
        });

        Assert.Equal("conn-1", result.CallConnectionId);
        Assert.Equal("connecting", result.CallConnectionState);
        Assert.Equal("srv", result.ServerCallId);
        Assert.Equal("corr", result.CorrelationId);
        Assert.Equal("inactive", result.MediaStreamingState);
        var request = Assert.Single(_handler.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/calling/callConnections:answer", request.Uri.AbsolutePath);
        Assert.Equal("?api-version=2026-03-12", request.Uri.Query);
        Assert.Equal("127.0.0.1:7075", request.Uri.Authority);
        Assert.StartsWith("application/json", request.Headers["Content-Type"]);
        AssertSigned(request, "Thu, 12 Mar 2026 10:00:00 GMT");
        AssertRepeatability(request);
        Assert.Equal(
            """{"incomingCallContext":"ctx+/=","callbackUri":"https://app.example/cb?x=1","operationContext":"op","mediaStreamingOptions":{"transportType":"websocket","audioChannelType":"mixed","transportUrl":"wss://worker.example/media/acs?callId=c1&token=t","contentType":"audio","startMediaStreaming":true,"enableBidirectional":true,"audioFormat":"pcm24KMono"}}""",
            request.BodyText);
        AssertValid("AnswerCallRequest", request);
    }

    [SkippableFact]
    public async Task Answer_retried_after_503_resends_the_same_repeatability_pair_and_re_signs()
    {
        _handler.Respond(HttpStatusCode.ServiceUnavailable).Respond(HttpStatusCode.OK, """{"callConnectionId":"conn-2","callConnectionState":"connecting"}""");
        var client = CreateClient();

        var result = await client.AnswerCallAsync(new AnswerCallRequest("ctx", new Uri("https://app.example/cb")) { AudioFormat = "pcm16KMono", EnableDtmfTones = true, MediaTransportUrl = new Uri("wss://w.example/m") });

        Assert.Equal("conn-2", result.CallConnectionId);
        Assert.Equal(2, _handler.Requests.Count);
        var (first, second) = (_handler.Requests[0], _handler.Requests[1]);
        Assert.Equal(first.Headers["Repeatability-Request-ID"], second.Headers["Repeatability-Request-ID"]);
        Assert.Equal(first.Headers["Repeatability-First-Sent"], second.Headers["Repeatability-First-Sent"]);
        Assert.Equal(first.BodyText, second.BodyText);
        AssertSigned(second, second.Headers["x-ms-date"]);
        AssertValid("AnswerCallRequest", second);
    }

    [SkippableFact]
    public async Task Answer_without_media_url_sends_no_streaming_options()
    {
        _handler.Respond(HttpStatusCode.OK, """{"callConnectionId":"c"}""");
        await CreateClient().AnswerCallAsync(new AnswerCallRequest("ctx", new Uri("https://app.example/cb")));
        var request = Assert.Single(_handler.Requests);
        Assert.Equal("""{"incomingCallContext":"ctx","callbackUri":"https://app.example/cb"}""", request.BodyText);
        AssertValid("AnswerCallRequest", request);
    }

    [SkippableTheory]
    [InlineData(CallRejectReason.None, "none")]
    [InlineData(CallRejectReason.Busy, "busy")]
    [InlineData(CallRejectReason.Forbidden, "forbidden")]
    public async Task Reject_posts_reason_and_repeatability(CallRejectReason reason, string wire)
    {
        _handler.Respond(HttpStatusCode.NoContent);
        await CreateClient().RejectCallAsync("ctx", reason);
        var request = Assert.Single(_handler.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/calling/callConnections:reject?api-version=2026-03-12", request.Uri.PathAndQuery);
        AssertRepeatability(request);
        AssertSigned(request, "Thu, 12 Mar 2026 10:00:00 GMT");
        Assert.Equal($$"""{"incomingCallContext":"ctx","callRejectReason":"{{wire}}"}""", request.BodyText);
        AssertValid("RejectCallRequest", request);
    }

    [Fact]
    public async Task Get_call_parses_properties_and_signs_the_empty_body()
    {
        _handler.Respond(HttpStatusCode.OK, """{"callConnectionId":"c 1","callConnectionState":"connected","source":{"kind":"phoneNumber","rawId":"4:+1","phoneNumber":{"value":"+1"}}}""");
        var result = await CreateClient().GetCallAsync("c 1");
        Assert.Equal("connected", result.CallConnectionState);
        var request = Assert.Single(_handler.Requests);
        Assert.Equal("GET", request.Method);
        Assert.Equal("/calling/callConnections/c%201?api-version=2026-03-12", request.Uri.PathAndQuery);
        Assert.Null(request.Body);
        Assert.Equal(AcsRequestSigner.EmptyContentHash, request.Headers["x-ms-content-sha256"]);
        AssertSigned(request, "Thu, 12 Mar 2026 10:00:00 GMT");
        Assert.False(request.Headers.ContainsKey("Repeatability-Request-ID"));
    }

    [Fact]
    public async Task Hang_up_is_a_delete_without_body()
    {
        _handler.Respond(HttpStatusCode.NoContent);
        await CreateClient().HangUpAsync("conn-1");
        var request = Assert.Single(_handler.Requests);
        Assert.Equal("DELETE", request.Method);
        Assert.Equal("/calling/callConnections/conn-1?api-version=2026-03-12", request.Uri.PathAndQuery);
        Assert.Equal(AcsRequestSigner.EmptyContentHash, request.Headers["x-ms-content-sha256"]);
        AssertSigned(request, "Thu, 12 Mar 2026 10:00:00 GMT");
    }

    [Fact]
    public async Task Terminate_posts_colon_action_with_content_length_zero()
    {
        _handler.Respond(HttpStatusCode.NoContent);
        await CreateClient().TerminateCallAsync("conn-1");
        var request = Assert.Single(_handler.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/calling/callConnections/conn-1:terminate?api-version=2026-03-12", request.Uri.PathAndQuery);
        Assert.Equal("0", request.Headers["Content-Length"]);
        Assert.Equal(AcsRequestSigner.EmptyContentHash, request.Headers["x-ms-content-sha256"]);
        AssertRepeatability(request);
        AssertSigned(request, "Thu, 12 Mar 2026 10:00:00 GMT");
    }

    [SkippableFact]
    public async Task Play_text_to_everyone_matches_the_js_sdk_shape()
    {
        _handler.Respond(HttpStatusCode.Accepted);
        await CreateClient().PlayAsync("conn-1", new PlayRequest { Kind = "text", Value = "Hello", VoiceName = "en-US-AvaNeural", OperationContext = "greet" });
        var request = Assert.Single(_handler.Requests);
        Assert.Equal("/calling/callConnections/conn-1:play?api-version=2026-03-12", request.Uri.PathAndQuery);
        Assert.Equal("""{"playSources":[{"kind":"text","text":{"text":"Hello","voiceName":"en-US-AvaNeural"}}],"playTo":[],"playOptions":{"loop":false},"operationContext":"greet"}""", request.BodyText);
        AssertValid("PlayRequest", request);
    }

    [SkippableTheory]
    [InlineData("file", "https://cdn.example/a.wav", """{"kind":"file","file":{"uri":"https://cdn.example/a.wav"}}""")]
    [InlineData("ssml", "<speak/>", """{"kind":"ssml","ssml":{"ssmlText":"<speak/>"}}""")]
    public async Task Play_file_and_ssml_are_valid(string kind, string value, string source)
    {
        _handler.Respond(HttpStatusCode.Accepted);
        await CreateClient().PlayAsync("conn-1", new PlayRequest { Kind = kind, Value = value, Loop = true });
        var request = Assert.Single(_handler.Requests);
        // Without an operation context of its own, a play gets a fresh UUID (as the official SDK does).
        var context = System.Text.Json.JsonDocument.Parse(request.BodyText).RootElement.GetProperty("operationContext").GetString();
        Assert.True(Guid.TryParse(context, out _), context);
        Assert.Equal($$$"""{"playSources":[{{{source}}}],"playTo":[],"playOptions":{"loop":true},"operationContext":"{{{context}}}"}""", request.BodyText);
        AssertValid("PlayRequest", request);
    }

    [SkippableFact]
    public async Task Start_and_stop_media_streaming_post_colon_actions()
    {
        _handler.Respond(HttpStatusCode.Accepted).Respond(HttpStatusCode.Accepted);
        var client = CreateClient();
        await client.StartMediaStreamingAsync("conn-1", "go");
        await client.StopMediaStreamingAsync("conn-1");
        Assert.Equal("/calling/callConnections/conn-1:startMediaStreaming?api-version=2026-03-12", _handler.Requests[0].Uri.PathAndQuery);
        Assert.Equal("""{"operationContext":"go"}""", _handler.Requests[0].BodyText);
        Assert.Equal("/calling/callConnections/conn-1:stopMediaStreaming?api-version=2026-03-12", _handler.Requests[1].Uri.PathAndQuery);
        Assert.Equal("{}", _handler.Requests[1].BodyText);
        AssertValid("StartMediaStreamingRequest", _handler.Requests[0]);
        AssertValid("StopMediaStreamingRequest", _handler.Requests[1]);
    }

    [SkippableTheory]
    [InlineData("+14255550123", """{"kind":"phoneNumber","rawId":"4:+14255550123","phoneNumber":{"value":"+14255550123"}}""")]
    [InlineData("4:+14255550123", """{"kind":"phoneNumber","rawId":"4:+14255550123","phoneNumber":{"value":"+14255550123"}}""")]
    [InlineData("8:acs:res_user", """{"kind":"communicationUser","rawId":"8:acs:res_user","communicationUser":{"id":"8:acs:res_user"}}""")]
    public async Task Transfer_sends_the_identifier_model_with_repeatability(string target, string identifier)
    {
        _handler.Respond(HttpStatusCode.Accepted, """{"operationContext":"t"}""");
        await CreateClient().TransferToParticipantAsync("conn-1", target, "t");
        var request = Assert.Single(_handler.Requests);
        Assert.Equal("/calling/callConnections/conn-1:transferToParticipant?api-version=2026-03-12", request.Uri.PathAndQuery);
        AssertRepeatability(request);
        Assert.Equal($$"""{"targetParticipant":{{identifier}},"operationContext":"t"}""", request.BodyText);
        AssertValid("TransferToParticipantRequest", request);
    }

    [Fact]
    public async Task Error_response_becomes_AcsRequestFailedException_with_code()
    {
        _handler.Respond(HttpStatusCode.NotFound, """{"error":{"code":"8522","message":"Call not found."}}""");
        var error = await Assert.ThrowsAsync<AcsRequestFailedException>(() => CreateClient().HangUpAsync("gone"));
        Assert.Equal(404, error.Status);
        Assert.Equal("8522", error.ErrorCode);
        Assert.Contains("Call not found.", error.Message);
    }

    [Fact]
    public async Task Unexpected_success_code_is_a_failure()
    {
        _handler.Respond(HttpStatusCode.OK, "not json");
        var error = await Assert.ThrowsAsync<AcsRequestFailedException>(() => CreateClient().RejectCallAsync("ctx"));
        Assert.Equal(200, error.Status);
        Assert.Null(error.ErrorCode);
    }

    [Fact]
    public void Plain_http_is_refused_for_non_loopback_endpoints()
    {
        Assert.Throws<ArgumentException>(() => new AcsCallAutomationClient(
            AcsConnectionString.Parse($"endpoint=http://contoso.communication.azure.com/;accesskey={KeyBase64}")));
    }

    [Fact]
    public async Task Entra_id_uses_a_bearer_token_for_the_communication_scope()
    {
        _handler.Respond(HttpStatusCode.NoContent);
        var credential = new RecordingCredential();
        var options = new AcsCallAutomationClientOptions { Transport = new HttpClientTransport(new HttpClient(_handler)) };
        var client = new AcsCallAutomationClient(new Uri("https://contoso.communication.azure.com/"), credential, options, _time);
        await client.HangUpAsync("conn-1");
        Assert.Equal(["https://communication.azure.com//.default"], credential.Scopes);
        var request = Assert.Single(_handler.Requests);
        Assert.Equal("Bearer test-token", request.Headers["Authorization"]);
        Assert.False(request.Headers.ContainsKey("x-ms-content-sha256"));
    }

    private sealed class RecordingCredential : TokenCredential
    {
        public string[] Scopes { get; private set; } = [];

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            Scopes = requestContext.Scopes;
            return new AccessToken("test-token", DateTimeOffset.UtcNow.AddHours(1));
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken)
            => new(GetToken(requestContext, cancellationToken));
    }
}
