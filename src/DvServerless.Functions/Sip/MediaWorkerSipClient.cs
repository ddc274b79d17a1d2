using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using DvServerless.Core.Calls;
using DvServerless.Core.Security;
using DvServerless.Functions.Hosting;
using Microsoft.Extensions.Options;

namespace DvServerless.Functions.Sip;

/// <summary>
/// <see cref="ISipWorkerClient"/> over HTTP to the worker's internal port (<see cref="MediaWorkerPool.InternalOf"/>), for
/// an app without Storage queues: <c>GET {internal}/internal/sip/capacity?callId=…</c> and
/// <c>POST {internal}/internal/sip/attach {callId, sipCallId}</c>, each with <c>Authorization: Bearer</c> a fresh single-use
/// media token bound to the call (the key the worker already shares with this app) and, for an attach, to the SIP call
/// id, under <see cref="SipRoutingOptions.WorkerTimeout"/>.
/// </summary>
public sealed class MediaWorkerSipClient : ISipWorkerClient
{
    /// <summary>The worker's capacity route.</summary>
    public const string CapacityPath = "/internal/sip/capacity";

    /// <summary>The worker's attach route.</summary>
    public const string AttachPath = "/internal/sip/attach";

    /// <summary>The name of its <see cref="IHttpClientFactory"/> client.</summary>
    public const string HttpClientName = "MediaWorker.Sip";

    private readonly HttpClient _http;
    private readonly MediaTokenService _tokens;
    private readonly MediaWorkerOptions _worker;
    private readonly SipRoutingOptions _routing;
    private readonly TimeProvider _time;
    private readonly MediaWorkerPool _workers;

    /// <summary>Creates the client; <paramref name="http"/> is owned by the caller.</summary>
    public MediaWorkerSipClient(HttpClient http, MediaTokenService tokens, IOptions<MediaWorkerOptions> worker, IOptions<SipRoutingOptions> routing, TimeProvider time,
        MediaWorkerPool? workers = null)
    {
        ArgumentNullException.ThrowIfNull(worker);
        _workers = workers ?? new MediaWorkerPool(worker);
        _http = http;
        _tokens = tokens;
        _worker = worker.Value;
        _routing = routing.Value;
        _time = time;
    }

    /// <inheritdoc />
    public async Task<SipWorkerAnswer> CheckCapacityAsync(string callId, CancellationToken cancellationToken)
    {
        if (Url(callId, CapacityPath + "?callId=" + Uri.EscapeDataString(callId)) is not { } url)
        {
            return new SipWorkerAnswer(false, null, CallCommands.MediaWorkerCallCommandClient.Unreachable);
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        return await SendAsync(request, callId, null, default, async response =>
        {
            using var document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), default, cancellationToken).ConfigureAwait(false);
            var root = document.RootElement;
            var available = root.TryGetProperty("available", out var a) && a.ValueKind == JsonValueKind.True;
            var active = root.TryGetProperty("active", out var n) && n.TryGetInt32(out var count) ? count : -1;
            var limit = root.TryGetProperty("limit", out var l) && l.TryGetInt32(out var max) ? max : -1;
            return new SipWorkerAnswer(available, (int)response.StatusCode, available ? "worker has room" : $"worker is full ({active}/{limit} SIP calls)");
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<SipWorkerAnswer> AttachAsync(string callId, string sipCallId, string? worker, CallOwner owner, CancellationToken cancellationToken)
    {
        if (Url(callId, AttachPath) is not { } url)
        {
            return new SipWorkerAnswer(false, null, CallCommands.MediaWorkerCallCommandClient.Unreachable);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = JsonContent.Create(new AttachRequest(callId, sipCallId)),
        };
        return await SendAsync(request, callId, sipCallId, owner,
            response => Task.FromResult(new SipWorkerAnswer(true, (int)response.StatusCode, "sideband attach handed to the worker")), cancellationToken).ConfigureAwait(false);
    }

    private async Task<SipWorkerAnswer> SendAsync(
        HttpRequestMessage request, string callId, string? sipCallId, CallOwner owner, Func<HttpResponseMessage, Task<SipWorkerAnswer>> onSuccess,
        CancellationToken cancellationToken)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _tokens.Issue(callId, _worker.TokenLifetime, MediaTokenPurpose.SipAttach, sipCallId, owner));
        using var timeout = new CancellationTokenSource(_routing.WorkerTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using var response = await _http.SendAsync(request, linked.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return new SipWorkerAnswer(false, (int)response.StatusCode, $"the worker answered {(int)response.StatusCode}");
            }

            return await onSuccess(response).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return new SipWorkerAnswer(false, null, $"the worker did not answer within {_routing.WorkerTimeout.TotalSeconds:0.#} s");
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or IOException)
        {
            return new SipWorkerAnswer(false, null, "the worker is unreachable (" + e.GetType().Name + ")");
        }
    }

    // The capacity check and the attach of one call go to the same worker of the pool, on its internal port.
    private Uri? Url(string callId, string pathAndQuery) =>
        _workers.InternalOf(_workers.For(callId)) is { } worker ? new(worker.ToString().TrimEnd('/') + pathAndQuery) : null;

    private sealed record AttachRequest(string CallId, string SipCallId);
}
