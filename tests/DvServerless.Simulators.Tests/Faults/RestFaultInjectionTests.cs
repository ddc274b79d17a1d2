using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using DvServerless.Core.Hosting;
using DvServerless.Simulators.Acs;
using DvServerless.Simulators.Faults;
using DvServerless.Simulators.Realtime;
using DvServerless.Simulators.Tests.Acs;
using DvServerless.Testing;
using DvServerless.Testing.Schemas;

namespace DvServerless.Simulators.Tests.Faults;

/// <summary>
/// The fault plan on the wire: the ACS simulator answers a faulted Call Automation request with the status, the retry
/// header and a spec <c>CommunicationErrorResponse</c>, before it acts or remembers the request; the Realtime simulator
/// answers faulted <c>client_secrets</c> and call-control requests with the OpenAI error envelope.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable", Justification = "xUnit v2 disposes test classes through IAsyncLifetime.DisposeAsync, which this rule does not know; it releases the fields.")]
public sealed class RestFaultInjectionTests : IAsyncLifetime
{
    private readonly HttpClient _http = new();
    private AcsSimulator _acs = null!;
    private RealtimeSimulator _realtime = null!;

    public async Task InitializeAsync()
    {
        _acs = await AcsSimulator.StartAsync(new AcsSimulatorOptions());
        _realtime = await RealtimeSimulator.StartAsync(new RealtimeSimulatorOptions());
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _acs.DisposeAsync();
        await _realtime.DisposeAsync();
    }

    [SkippableFact]
    public async Task Acs_answers_a_faulted_request_with_the_spec_error_body_then_serves_the_same_repeatable_request_afresh()
    {
        var validator = SwaggerSchemaValidator.Load(SharedSpecs.PathOf("specs/acs/data-plane/Common/stable/2025-06-30/common.json"));
        _acs.RestFaults.Add(new RestFault("answer", 503, retryAfter: TimeSpan.FromSeconds(2), form: RetryAfterForm.HttpDate));
        var requestId = Guid.NewGuid().ToString();
        var firstSent = DateTimeOffset.UtcNow.ToString("r", System.Globalization.CultureInfo.InvariantCulture);

        var (faulted, faultedBody, faultedHeaders) = await SendAnswerAsync(requestId, firstSent);
        var (retried, retriedBody, _) = await SendAnswerAsync(requestId, firstSent);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, faulted);
        Assert.Empty(validator.ValidateDefinition("CommunicationErrorResponse", faultedBody));
        Assert.Equal("ServiceUnavailable", JsonDocument.Parse(faultedBody).RootElement.GetProperty("error").GetProperty("code").GetString());
        var date = faultedHeaders.RetryAfter?.Date;
        Assert.NotNull(date);
        Assert.InRange(date.Value - DateTimeOffset.UtcNow, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3.5));
        // The same Repeatability-Request-ID again: not the remembered 503 but the real answer (no such incoming call).
        Assert.Equal(HttpStatusCode.NotFound, retried);
        Assert.Equal("NotFound", JsonDocument.Parse(retriedBody).RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal([503, 404], _acs.Requests.Select(r => r.StatusCode));
        Assert.Equal([503, (int?)null], _acs.RestFaults.RequestsFor("answer").Select(r => r.FaultStatus));
    }

    [Fact]
    public async Task Acs_matches_the_operation_of_the_path_and_a_hang_up_by_delete()
    {
        _acs.RestFaults.Add(new RestFault("hangUp", 429, retryAfter: TimeSpan.FromSeconds(1)));
        var url = new Uri(_acs.BaseUrl + "calling/callConnections/no-such-call?api-version=2026-03-12");

        using var get = await _http.SendAsync(TestHmacSigner.Create(HttpMethod.Get, url, null, _acs.Options.AccessKey));
        using var delete = await _http.SendAsync(TestHmacSigner.Create(HttpMethod.Delete, url, null, _acs.Options.AccessKey));

        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        Assert.Equal((HttpStatusCode)429, delete.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), delete.Headers.RetryAfter?.Delta);
        Assert.Equal(["get", "hangUp"], _acs.RestFaults.Requests.Select(r => r.Operation));
    }

    [Fact]
    public async Task Realtime_client_secrets_are_throttled_with_the_openai_envelope_and_retry_after_ms_then_minted()
    {
        _realtime.RestFaults.Add(new RestFault("client_secrets", 429, retryAfter: TimeSpan.FromMilliseconds(800), form: RetryAfterForm.Milliseconds));

        using var throttled = await PostRealtimeAsync("realtime/client_secrets", """{"session":{"type":"realtime"}}""");
        using var minted = await PostRealtimeAsync("realtime/client_secrets", """{"session":{"type":"realtime"}}""");

        Assert.Equal((HttpStatusCode)429, throttled.StatusCode);
        Assert.Equal("800", throttled.Headers.GetValues("retry-after-ms").Single());
        var error = JsonDocument.Parse(await throttled.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        Assert.Equal("requests", error.GetProperty("type").GetString());
        Assert.Equal("rate_limit_exceeded", error.GetProperty("code").GetString());
        Assert.Equal(JsonValueKind.Null, error.GetProperty("param").ValueKind);
        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
        Assert.Equal(HttpStatusCode.OK, minted.StatusCode);
        Assert.Single(_realtime.Records.ClientSecrets);
    }

    [Fact]
    public async Task Realtime_call_control_is_faulted_before_the_call_is_looked_up()
    {
        _realtime.RestFaults.Add(new RestFault("accept", 500));

        using var failed = await PostRealtimeAsync("realtime/calls/rtc_unknown/accept", """{"type":"realtime"}""");
        using var normal = await PostRealtimeAsync("realtime/calls/rtc_unknown/accept", """{"type":"realtime"}""");

        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        var error = JsonDocument.Parse(await failed.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        Assert.Equal("server_error", error.GetProperty("type").GetString());
        Assert.Equal(JsonValueKind.Null, error.GetProperty("code").ValueKind);
        Assert.Equal(HttpStatusCode.NotFound, normal.StatusCode);
        Assert.Equal([500, (int?)null], _realtime.RestFaults.RequestsFor("accept").Select(r => r.FaultStatus));
    }

    private async Task<(HttpStatusCode Status, string Body, HttpResponseHeaders Headers)> SendAnswerAsync(string requestId, string firstSent)
    {
        var body = """{"incomingCallContext":"no-such-context","callbackUri":"https://app.example/callbacks"}""";
        using var request = TestHmacSigner.Create(
            HttpMethod.Post, new Uri(_acs.BaseUrl + "calling/callConnections:answer?api-version=2026-03-12"), body, _acs.Options.AccessKey);
        request.Headers.TryAddWithoutValidation("Repeatability-Request-ID", requestId);
        request.Headers.TryAddWithoutValidation("Repeatability-First-Sent", firstSent);
        using var response = await _http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers);
    }

    private Task<HttpResponseMessage> PostRealtimeAsync(string path, string json)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, _realtime.BaseUrl + "/" + path)
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", LocalDefaults.RealtimeSimulatorApiKey);
        return SendAndDisposeRequestAsync(request);
    }

    private async Task<HttpResponseMessage> SendAndDisposeRequestAsync(HttpRequestMessage request)
    {
        using (request)
        {
            return await _http.SendAsync(request);
        }
    }
}
