using Azure.Core;
using DvServerless.Adapters.Engines.Realtime;
using DvServerless.Adapters.OpenAI;

namespace DvServerless.Adapters.Tests.OpenAI;

public sealed class OpenAIRestRequestsTests
{
    [Fact]
    public void An_openai_error_body_gives_its_message()
    {
        const string body = """{"error":{"message":"Invalid call_id","type":"invalid_request_error","param":null,"code":"not_found"}}""";

        Assert.Equal("Invalid call_id", OpenAIRestRequests.ErrorMessage(body));
    }

    [Theory]
    [InlineData("upstream connect error\n", "upstream connect error")]
    [InlineData("""{"detail":"no error member"}""", """{"detail":"no error member"}""")]
    [InlineData("""{"error":"a string, not an object"}""", """{"error":"a string, not an object"}""")]
    [InlineData("   ", null)]
    [InlineData("""{"error":{"message":""}}""", null)]
    public void Any_other_body_is_kept_as_text_trimmed(string body, string? expected) =>
        Assert.Equal(expected, OpenAIRestRequests.ErrorMessage(body));

    [Fact]
    public void A_long_message_is_cut()
    {
        var message = OpenAIRestRequests.ErrorMessage(new string('x', 5000));

        Assert.Equal(OpenAIRestRequests.MaxErrorMessageLength + 1, message!.Length);
        Assert.EndsWith("…", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Azure_openai_with_a_key_sends_api_key_and_no_bearer()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "https://example.openai.azure.com/openai/v1/realtime/client_secrets");

        await OpenAIRestRequests.AuthenticateAsync(request, new RealtimeEngineOptions { Service = RealtimeServiceKind.AzureOpenAI, ApiKey = "azure-key" }, CancellationToken.None);

        Assert.Equal("azure-key", Assert.Single(request.Headers.GetValues("api-key")));
        Assert.Null(request.Headers.Authorization);
    }

    [Fact]
    public async Task Azure_openai_without_a_key_sends_an_entra_token_for_cognitive_services()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "https://example.openai.azure.com/openai/v1/realtime/client_secrets");
        var credential = new RecordingCredential();

        await OpenAIRestRequests.AuthenticateAsync(request, new RealtimeEngineOptions { Service = RealtimeServiceKind.AzureOpenAI, Credential = credential }, CancellationToken.None);

        Assert.Equal(("Bearer", "entra-token"), (request.Headers.Authorization!.Scheme, request.Headers.Authorization.Parameter));
        Assert.Equal([RealtimeEngineOptions.CognitiveServicesScope], credential.Scopes);
        Assert.False(request.Headers.Contains("api-key"));
    }

    [Fact]
    public async Task Openai_sends_the_key_as_bearer()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "https://api.openai.com/v1/realtime/client_secrets");

        await OpenAIRestRequests.AuthenticateAsync(request, new RealtimeEngineOptions { Service = RealtimeServiceKind.OpenAI, ApiKey = "sk-test" }, CancellationToken.None);

        Assert.Equal(("Bearer", "sk-test"), (request.Headers.Authorization!.Scheme, request.Headers.Authorization.Parameter));
    }

    private sealed class RecordingCredential : TokenCredential
    {
        public string[] Scopes { get; private set; } = [];

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            Scopes = requestContext.Scopes;
            return new AccessToken("entra-token", DateTimeOffset.UtcNow.AddHours(1));
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }
}
