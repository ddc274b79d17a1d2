using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Text.Json;
using DvServerless.Simulators.Acs;

namespace DvServerless.Simulators.Tests.Acs;

[SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable", Justification = "xUnit v2 disposes test classes through IAsyncLifetime.DisposeAsync, which this rule does not know; it releases the fields.")]
public sealed class AcsSimulatorRestTests : IAsyncLifetime
{
    private AcsSimulator _simulator = null!;
    private readonly HttpClient _http = new();

    public async Task InitializeAsync() => _simulator = await AcsSimulator.StartAsync(new AcsSimulatorOptions(), CancellationToken.None);

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _simulator.DisposeAsync();
    }

    private Uri Url(string pathAndQuery) => new(_simulator.BaseUrl + pathAndQuery.TrimStart('/'));

    private async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpRequestMessage request)
    {
        using (request)
        {
            using var response = await _http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
        }
    }

    private static string AnswerBody(string context, string? media = null) =>
        $$"""{"incomingCallContext":"{{context}}","callbackUri":"https://app.example/callbacks"{{(media is null ? "" : ",\"mediaStreamingOptions\":" + media)}}}""";

    [Fact]
    public async Task Unsigned_request_is_refused_with_401_and_an_error_body()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, Url("calling/callConnections/abc?api-version=2026-03-12"));

        var (status, body) = await SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("Unauthorized", body.GetProperty("error").GetProperty("code").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("error").GetProperty("message").GetString()));
    }

    [Fact]
    public async Task Wrong_key_stale_date_and_tampered_body_are_refused()
    {
        var uri = Url("calling/callConnections:answer?api-version=2026-03-12");
        var otherKey = Convert.ToBase64String(new byte[32]);

        var wrongKey = await SendAsync(TestHmacSigner.Create(HttpMethod.Post, uri, AnswerBody("x"), otherKey));
        var stale = await SendAsync(TestHmacSigner.Create(HttpMethod.Post, uri, AnswerBody("x"), _simulator.Options.AccessKey, DateTimeOffset.UtcNow.AddMinutes(-11)));
        var tampered = TestHmacSigner.Create(HttpMethod.Post, uri, AnswerBody("x"), _simulator.Options.AccessKey);
        tampered.Content = new StringContent(AnswerBody("y"));
        var tamperedResult = await SendAsync(tampered);

        Assert.Equal(HttpStatusCode.Unauthorized, wrongKey.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, stale.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, tamperedResult.Status);
        Assert.Contains("x-ms-content-sha256", tamperedResult.Body.GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task Signature_over_a_host_without_the_port_is_refused()
    {
        // The wire Host includes the port; a client that signs only the host name is wrong.
        var uri = Url("calling/callConnections/abc?api-version=2026-03-12");
        var request = TestHmacSigner.Create(HttpMethod.Get, new Uri($"http://127.0.0.1/calling/callConnections/abc?api-version=2026-03-12"), null, _simulator.Options.AccessKey);
        request.RequestUri = uri;

        var (status, _) = await SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Fact]
    public async Task Missing_or_wrong_api_version_is_400()
    {
        var missing = await SendAsync(TestHmacSigner.Create(HttpMethod.Get, Url("calling/callConnections/abc"), null, _simulator.Options.AccessKey));
        var wrong = await SendAsync(TestHmacSigner.Create(HttpMethod.Get, Url("calling/callConnections/abc?api-version=2025-06-15"), null, _simulator.Options.AccessKey));

        Assert.Equal(HttpStatusCode.BadRequest, missing.Status);
        Assert.Equal(HttpStatusCode.BadRequest, wrong.Status);
        Assert.Equal("BadRequest", wrong.Body.GetProperty("error").GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("""{"callbackUri":"https://app.example/cb"}""", "incomingCallContext")]
    [InlineData("""{"incomingCallContext":"abc"}""", "callbackUri")]
    [InlineData("""{"incomingCallContext":"abc","callbackUri":"https://app.example/cb","mediaStreamingOptions":{"transportType":"websocket","transportUrl":"wss://w.example/media"}}""", "audioChannelType")]
    [InlineData("""{"incomingCallContext":"abc","callbackUri":"https://app.example/cb","mediaStreamingOptions":{"audioChannelType":"mixed","transportUrl":"wss://w.example/media"}}""", "transportType")]
    [InlineData("""{"incomingCallContext":"abc","callbackUri":"https://app.example/cb","mediaStreamingOptions":{"transportType":"websocket","audioChannelType":"mixed","transportUrl":"wss://w.example/media","audioFormat":"pcm48KMono"}}""", "audioFormat")]
    [InlineData("""{"incomingCallContext":"abc","callbackUri":"https://app.example/cb","callbackUrl":"x"}""", "callbackUrl")]
    [InlineData("""not json""", "JSON")]
    public async Task Answer_with_an_invalid_body_is_400_naming_the_problem(string body, string named)
    {
        var (status, response) = await SendAsync(TestHmacSigner.Create(HttpMethod.Post, Url("calling/callConnections:answer?api-version=2026-03-12"), body, _simulator.Options.AccessKey));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(named, response.GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task Answer_of_an_unknown_incoming_call_context_is_404()
    {
        var (status, body) = await SendAsync(TestHmacSigner.Create(HttpMethod.Post, Url("calling/callConnections:answer?api-version=2026-03-12"),
            AnswerBody("bm90LWEtY2FsbA=="), _simulator.Options.AccessKey));

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("NotFound", body.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Every_request_is_recorded_with_its_operation_and_status()
    {
        await SendAsync(TestHmacSigner.Create(HttpMethod.Post, Url("calling/callConnections/c1:terminate?api-version=2026-03-12"), null, _simulator.Options.AccessKey));

        var recorded = Assert.Single(_simulator.Requests);
        Assert.Equal("terminate", recorded.Operation);
        Assert.Equal("c1", recorded.CallConnectionId);
        Assert.Equal("/calling/callConnections/c1:terminate?api-version=2026-03-12", recorded.RawTarget);
        Assert.Equal(404, recorded.StatusCode);
    }

    [Fact]
    public async Task Bearer_tokens_are_refused_unless_enabled()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, Url("calling/callConnections/abc?api-version=2026-03-12"));
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer some-entra-token");

        var (status, _) = await SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Fact]
    public async Task Openid_configuration_points_at_the_served_jwks()
    {
        var configuration = JsonDocument.Parse(await _http.GetStringAsync(_simulator.OpenIdConfigurationUrl)).RootElement;
        var keys = JsonDocument.Parse(await _http.GetStringAsync(configuration.GetProperty("jwks_uri").GetString())).RootElement;

        Assert.Equal("https://acscallautomation.communication.azure.com", configuration.GetProperty("issuer").GetString());
        var key = Assert.Single(keys.GetProperty("keys").EnumerateArray());
        Assert.Equal("RSA", key.GetProperty("kty").GetString());
        Assert.False(string.IsNullOrEmpty(key.GetProperty("kid").GetString()));
    }
}
