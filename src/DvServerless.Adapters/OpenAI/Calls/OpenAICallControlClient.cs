using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using DvServerless.Adapters.Engines.Realtime;
using DvServerless.Adapters.OpenAI.Webhooks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;

namespace DvServerless.Adapters.OpenAI.Calls;

/// <summary>
/// <see cref="IRealtimeCallControl"/> over HttpClient for OpenAI (<c>https://api.openai.com/v1</c>, Bearer key), Azure
/// OpenAI (<c>https://{resource}.openai.azure.com/openai/v1</c>, <c>api-key</c> or an Entra token) and the simulator.
/// The endpoint and credentials are the Realtime engine's (<see cref="RealtimeEngineOptions"/>), since a SIP call is a
/// Realtime session. Retries (5xx, 429 honouring <c>Retry-After</c>, timeouts, transport failures), their bound and the
/// per-attempt timeout belong to the <see cref="HttpClient"/>'s resilience pipeline: make clients with
/// <see cref="OpenAICallControlClientFactory"/> (registered by <see cref="OpenAICallControlServiceCollectionExtensions.AddOpenAICallControl"/>);
/// over a plain HttpClient every operation is one request.
/// </summary>
public sealed class OpenAICallControlClient : IRealtimeCallControl
{

    private readonly HttpClient _http;
    private readonly RealtimeEngineOptions _realtime;
    private readonly ILogger _logger;

    /// <summary>
    /// Creates the client over <paramref name="httpClient"/> (not disposed by it; from <see cref="OpenAICallControlClientFactory"/>
    /// for retries and timeouts).
    /// </summary>
    /// <exception cref="InvalidOperationException">The settings are unusable.</exception>
    public OpenAICallControlClient(HttpClient httpClient, RealtimeEngineOptions realtime, ILogger<OpenAICallControlClient>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(realtime);
        _http = httpClient;
        _realtime = realtime;
        var problem = realtime.Validate();
        if (problem is not null)
        {
            throw new InvalidOperationException(problem);
        }

        _logger = logger ?? NullLogger<OpenAICallControlClient>.Instance;
    }

    /// <inheritdoc />
    public Task<RealtimeCallControlResult> AcceptAsync(string callId, JsonObject session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        return SendAsync(callId, "accept", session.ToJsonString(), cancellationToken);
    }

    /// <inheritdoc />
    public Task<RealtimeCallControlResult> RejectAsync(string callId, int? statusCode, CancellationToken cancellationToken)
    {
        if (statusCode is < 100 or > 699)
        {
            throw new ArgumentOutOfRangeException(nameof(statusCode), "A SIP status code is between 100 and 699.");
        }

        var body = statusCode is { } code ? new JsonObject { ["status_code"] = code }.ToJsonString() : null;
        return SendAsync(callId, "reject", body, cancellationToken);
    }

    /// <inheritdoc />
    public Task<RealtimeCallControlResult> ReferAsync(string callId, string targetUri, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(targetUri);
        return SendAsync(callId, "refer", new JsonObject { ["target_uri"] = targetUri }.ToJsonString(), cancellationToken);
    }

    /// <inheritdoc />
    public Task<RealtimeCallControlResult> HangUpAsync(string callId, CancellationToken cancellationToken) =>
        SendAsync(callId, "hangup", null, cancellationToken);

    /// <summary>The URL of an operation on a call, e.g. <c>https://api.openai.com/v1/realtime/calls/rtc_…/accept</c>.</summary>
    public Uri OperationUrl(string callId, string operation)
    {
        var baseUrl = _realtime.EffectiveBaseUrl.ToString().TrimEnd('/');
        return new Uri($"{baseUrl}/realtime/calls/{Uri.EscapeDataString(callId)}/{operation}");
    }

    private async Task<RealtimeCallControlResult> SendAsync(
        string callId, string operation, string? jsonBody, CancellationToken cancellationToken)
    {
        if (!RealtimeCallIncomingParser.IsCallId(callId))
        {
            throw new ArgumentException("The call id is missing or malformed.", nameof(callId));
        }

        var url = OperationUrl(callId, operation);
        // Retries, Retry-After and the per-attempt timeout are the HTTP client's resilience pipeline
        // (OpenAICallControlResilience); this context carries what its log needs and brings back the attempt count.
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(OpenAICallControlResilience.CallIdKey, callId);
        context.Properties.Set(OpenAICallControlResilience.OperationKey, operation);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url);
            request.Headers.Accept.ParseAdd("*/*");
            await OpenAIRestRequests.AuthenticateAsync(request, _realtime, cancellationToken).ConfigureAwait(false);
            if (jsonBody is not null)
            {
                request.Content = new StringContent(jsonBody, Encoding.UTF8, "application/json");
            }

            request.SetResilienceContext(context);
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
            var attempts = context.Properties.GetValue(OpenAICallControlResilience.AttemptsKey, 1);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                OpenAICallControlLog.Answered(_logger, callId, operation, status);
                return new RealtimeCallControlResult(RealtimeCallControlOutcome.Ok, status, null, attempts);
            }

            var message = await ReadErrorMessageAsync(response, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                OpenAICallControlLog.CallGone(_logger, callId, operation);
                return new RealtimeCallControlResult(RealtimeCallControlOutcome.CallGone, status, message, attempts);
            }

            OpenAICallControlLog.Failed(_logger, callId, operation, status, message);
            return new RealtimeCallControlResult(RealtimeCallControlOutcome.Failed, status, message, attempts);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested
                                   && ex is HttpRequestException or OperationCanceledException or IOException)
        {
            // TimeoutRejectedException (the pipeline's attempt timeout) is an OperationCanceledException.
            var reason = ex is OperationCanceledException ? "timed out" : "transport failure";
            var result = new RealtimeCallControlResult(RealtimeCallControlOutcome.Failed, null, $"The request {reason}.",
                context.Properties.GetValue(OpenAICallControlResilience.AttemptsKey, 1));
            OpenAICallControlLog.Failed(_logger, callId, operation, null, result.Message);
            return result;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private static async Task<string?> ReadErrorMessageAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        string text;
        try
        {
            text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException)
        {
            return response.ReasonPhrase;
        }

        return OpenAIRestRequests.ErrorMessage(text) ?? response.ReasonPhrase;
    }
}
