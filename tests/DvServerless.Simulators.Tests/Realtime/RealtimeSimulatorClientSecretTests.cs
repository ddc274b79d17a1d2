using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using DvServerless.Core.Hosting;
using DvServerless.Simulators.Realtime;
using DvServerless.Testing;
using DvServerless.Testing.Schemas;

namespace DvServerless.Simulators.Tests.Realtime;

/// <summary><c>POST /v1/realtime/client_secrets</c>: the spec's request rules and the spec's answer shape.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable", Justification = "xUnit v2 disposes test classes through IAsyncLifetime.DisposeAsync, which this rule does not know; it releases the fields.")]
public sealed class RealtimeSimulatorClientSecretTests : IAsyncLifetime
{
    private RealtimeSimulator _simulator = null!;
    private readonly HttpClient _http = new();

    public async Task InitializeAsync()
    {
        _simulator = await RealtimeSimulator.StartAsync(new RealtimeSimulatorOptions());
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", LocalDefaults.RealtimeSimulatorApiKey);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _simulator.DisposeAsync();
    }

    private Task<HttpResponseMessage> PostAsync(string json, string? baseUrl = null) =>
        _http.PostAsync((baseUrl ?? _simulator.BaseUrl) + "/realtime/client_secrets", new StringContent(json, Encoding.UTF8, "application/json"));

    [SkippableFact]
    public async Task A_valid_request_is_answered_in_the_specs_shape_with_the_effective_session()
    {
        const string Request = """
            {"expires_after":{"anchor":"created_at","seconds":300},
             "session":{"type":"realtime","model":"gpt-realtime","instructions":"Be brief.","audio":{"output":{"voice":"marin"}}}}
            """;
        var validator = SwaggerSchemaValidator.Load(SharedSpecs.PathOf("specs/openai/openapi.realtime.json"));
        Assert.Empty(validator.ValidateDefinition("RealtimeCreateClientSecretRequest", Request));

        var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        using var response = await PostAsync(Request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        var violations = validator.ValidateDefinition("RealtimeCreateClientSecretResponse", text);
        Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations));
        var body = JsonNode.Parse(text)!;
        Assert.Matches("^ek_[0-9a-f]{32}$", body["value"]!.GetValue<string>());
        Assert.InRange(body["expires_at"]!.GetValue<long>(), before + 300, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 300);
        Assert.Equal("Be brief.", body["session"]!["instructions"]!.GetValue<string>());
        Assert.Equal("marin", body["session"]!["audio"]!["output"]!["voice"]!.GetValue<string>());
        Assert.StartsWith("sess_", body["session"]!["id"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(body["value"]!.GetValue<string>(), Assert.Single(_simulator.Records.ClientSecrets).Value);

        // The Azure path serves the same route.
        using var azure = await PostAsync("""{"session":{"type":"transcription"}}""", _simulator.AzureBaseUrl);
        Assert.Equal(HttpStatusCode.OK, azure.StatusCode);
    }

    [SkippableTheory]
    [InlineData("""{"expires_after":{"seconds":9}}""", "invalid_value", "expires_after.seconds")]
    [InlineData("""{"expires_after":{"seconds":7201}}""", "invalid_value", "expires_after.seconds")]
    [InlineData("""{"expires_after":{"anchor":"now","seconds":60}}""", "invalid_value", "expires_after.anchor")]
    [InlineData("""{"expires_after":{"seconds":"60"}}""", "invalid_type", "expires_after.seconds")]
    [InlineData("""{"ttl":60}""", "unknown_parameter", "ttl")]
    [InlineData("""{"session":{"model":"gpt-realtime"}}""", "missing_required_parameter", "session.type")]
    [InlineData("""{"session":{"type":"realtime","audio":{"output":{"voice":5}}}}""", null, null)]
    [InlineData("""[1]""", "invalid_type", null)]
    public async Task A_request_the_spec_forbids_is_400_and_mints_nothing(string json, string? code, string? param)
    {
        using var response = await PostAsync(json);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;
        Assert.Equal("invalid_request_error", error["type"]!.GetValue<string>());
        if (code is not null)
        {
            Assert.Equal(code, error["code"]!.GetValue<string>());
            Assert.Equal(param, error["param"]?.GetValue<string>());
        }

        Assert.Empty(_simulator.Records.ClientSecrets);
    }

    [SkippableFact]
    public async Task Without_the_key_it_is_401()
    {
        using var anonymous = new HttpClient();
        using var response = await anonymous.PostAsync(_simulator.BaseUrl + "/realtime/client_secrets", new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(_simulator.Records.ClientSecrets);
    }
}
