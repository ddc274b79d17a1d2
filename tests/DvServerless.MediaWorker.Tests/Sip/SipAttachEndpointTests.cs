using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using DvServerless.Core.Hosting;
using DvServerless.Core.Security;
using DvServerless.MediaWorker.Hosting;
using DvServerless.MediaWorker.Tests.Internal;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace DvServerless.MediaWorker.Tests.Sip;

/// <summary>
/// The internal SIP endpoints are served on the worker's internal port only, and refuse anyone without a media token
/// bound to the call. The worker runs on Kestrel, as deployed: the port a request arrives on decides.
/// </summary>
public sealed class SipAttachEndpointTests : IAsyncLifetime, IDisposable
{
    private const string CallId = "rtc_0123456789abcdef0123456789abcdef";
    private const string SipCallId = "rtc_0123456789abcdef0123456789abcdef";

    private readonly MediaTokenService _tokens = MediaTokenService.FromConfiguredKey(LocalDefaults.MediaTokenSigningKey, TimeProvider.System);
    private WebApplication _app = null!;
    private HttpClient _client = null!;
    private Uri _publicUrl = null!;

    public async Task InitializeAsync()
    {
        _app = await InternalWorker.StartWorkerAsync(new Dictionary<string, string?> { ["Sip:MaxCalls"] = "3" });
        var port = _app.Services.GetRequiredService<InternalPort>();
        _publicUrl = InternalWorker.PublicUrlOf(_app);
        _client = new HttpClient { BaseAddress = port.LocalBaseUrl };
    }

    [Fact]
    public async Task The_endpoints_are_not_served_on_the_public_port()
    {
        using var publicClient = new HttpClient { BaseAddress = _publicUrl };
        using var attach = new HttpRequestMessage(HttpMethod.Post, "/internal/sip/attach")
        {
            Content = JsonContent.Create(new { callId = CallId, sipCallId = SipCallId }),
        };
        attach.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _tokens.Issue(CallId, TimeSpan.FromMinutes(1), MediaTokenPurpose.SipAttach, SipCallId));
        using var attached = await publicClient.SendAsync(attach);
        Assert.Equal(HttpStatusCode.NotFound, attached.StatusCode);

        using var capacity = new HttpRequestMessage(HttpMethod.Get, $"/internal/sip/capacity?callId={CallId}");
        capacity.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _tokens.Issue(CallId, TimeSpan.FromMinutes(1), MediaTokenPurpose.SipAttach));
        using var checkedCapacity = await publicClient.SendAsync(capacity);
        Assert.Equal(HttpStatusCode.NotFound, checkedCapacity.StatusCode);
    }

    public void Dispose() => _client.Dispose();

    public async Task DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Attach_without_a_token_is_401_and_with_a_bad_token_403()
    {
        using var anonymous = await _client.PostAsJsonAsync("/internal/sip/attach", new { callId = CallId, sipCallId = SipCallId });
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);

        using var forged = await SendAsync(HttpMethod.Post, "/internal/sip/attach", "not-a-token", new { callId = CallId, sipCallId = SipCallId });
        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);

        var otherKey = MediaTokenService.FromConfiguredKey(Convert.ToBase64String(new byte[32]), TimeProvider.System);
        using var wrongKey = await SendAsync(HttpMethod.Post, "/internal/sip/attach", otherKey.Issue(CallId, TimeSpan.FromMinutes(1), MediaTokenPurpose.SipAttach), new { callId = CallId, sipCallId = SipCallId });
        Assert.Equal(HttpStatusCode.Forbidden, wrongKey.StatusCode);
    }

    [Fact]
    public async Task A_token_for_another_call_cannot_attach_this_one()
    {
        using var response = await SendAsync(HttpMethod.Post, "/internal/sip/attach", _tokens.Issue("another-call", TimeSpan.FromMinutes(1), MediaTokenPurpose.SipAttach),
            new { callId = CallId, sipCallId = SipCallId });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task An_attach_token_bound_to_another_sip_call_or_to_none_cannot_attach()
    {
        // The SIP attach token names the SIP call it was minted for: it cannot attach another SIP call to this call id.
        using var otherSipCall = await SendAsync(HttpMethod.Post, "/internal/sip/attach",
            _tokens.Issue(CallId, TimeSpan.FromMinutes(1), MediaTokenPurpose.SipAttach, "rtc_ffffffffffffffffffffffffffffffff"), new { callId = CallId, sipCallId = SipCallId });
        Assert.Equal(HttpStatusCode.Forbidden, otherSipCall.StatusCode);

        using var unbound = await SendAsync(HttpMethod.Post, "/internal/sip/attach", _tokens.Issue(CallId, TimeSpan.FromMinutes(1), MediaTokenPurpose.SipAttach),
            new { callId = CallId, sipCallId = SipCallId });
        Assert.Equal(HttpStatusCode.Forbidden, unbound.StatusCode);
    }

    [Fact]
    public async Task A_capacity_token_is_used_once()
    {
        var token = _tokens.Issue(CallId, TimeSpan.FromMinutes(1), MediaTokenPurpose.SipAttach);
        using var first = await SendAsync(HttpMethod.Get, $"/internal/sip/capacity?callId={CallId}", token, null);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);

        using var replay = await SendAsync(HttpMethod.Get, $"/internal/sip/capacity?callId={CallId}", token, null);
        Assert.Equal(HttpStatusCode.Forbidden, replay.StatusCode);
    }

    [Fact]
    public async Task An_acs_media_token_of_the_same_call_cannot_attach_a_sideband()
    {
        // The ACS media token travels in a URL that ACS keeps; it must not open anything else.
        using var response = await SendAsync(HttpMethod.Post, "/internal/sip/attach", _tokens.Issue(CallId, TimeSpan.FromMinutes(1), MediaTokenPurpose.AcsMedia),
            new { callId = CallId, sipCallId = SipCallId });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task A_malformed_attach_body_is_a_400()
    {
        using var response = await SendAsync(HttpMethod.Post, "/internal/sip/attach", _tokens.Issue(CallId, TimeSpan.FromMinutes(1), MediaTokenPurpose.SipAttach),
            new { callId = CallId, sipCallId = "rtc_../../x" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Capacity_needs_a_token_for_the_call_and_reports_the_limit()
    {
        using var anonymous = await _client.GetAsync($"/internal/sip/capacity?callId={CallId}");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);

        using var wrongCall = await SendAsync(HttpMethod.Get, $"/internal/sip/capacity?callId={CallId}", _tokens.Issue("another-call", TimeSpan.FromMinutes(1), MediaTokenPurpose.SipAttach), null);
        Assert.Equal(HttpStatusCode.Forbidden, wrongCall.StatusCode);

        using var response = await SendAsync(HttpMethod.Get, $"/internal/sip/capacity?callId={CallId}", _tokens.Issue(CallId, TimeSpan.FromMinutes(1), MediaTokenPurpose.SipAttach), null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(0, body.GetProperty("active").GetInt32());
        Assert.Equal(3, body.GetProperty("limit").GetInt32());
        Assert.True(body.GetProperty("available").GetBoolean());
    }

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string token, object? body)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return _client.SendAsync(request);
    }
}
