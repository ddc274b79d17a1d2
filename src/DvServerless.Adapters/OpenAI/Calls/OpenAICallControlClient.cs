using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Core;
using DvServerless.Adapters.Engines.Realtime;
using DvServerless.Adapters.OpenAI.Webhooks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DvServerless.Adapters.OpenAI.Calls;

/// <summary>
/// <see cref="IRealtimeCallControl"/> over HttpClient for OpenAI (<c>https://api.openai.com/v1</c>, Bearer key), Azure
/// OpenAI (<c>https://{resource}.openai.azure.com/openai/v1</c>, <c>api-key</c> or an Entra token) and the simulator.
/// The endpoint and credentials are the Realtime engine's (<see cref="RealtimeEngineOptions"/>), since a SIP call is a
/// Realtime session. 5xx, 429 and transport failures are retried with a bounded, doubling delay on the injected clock.
/// </summary>
public sealed class OpenAICallControlClient : IRealtimeCallControl
{
    private const int MaxErrorMessageLength = 300;

    private readonly HttpClient _http;
    private readonly RealtimeEngineOptions _realtime;
    private readonly OpenAICallControlOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Creates the client; <paramref name="httpClient"/> is not disposed by it.</summary>
    /// <exception cref="InvalidOperationException">The settings are unusable.</exception>
    public OpenAICallControlClient(
        HttpClient httpClient,
        RealtimeEngineOptions realtime,
        OpenAICallControlOptions? options = null,
        TimeProvider? timeProvider = null,
        ILogger<OpenAICallControlClient>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(realtime);
        _http = httpClient;
        _realtime = realtime;
        _options = options ?? new OpenAICallControlOptions();
        var problem = realtime.Validate() ?? _options.Validate();
        if (problem is not null)
        {
            throw new InvalidOperationException(problem);
        }

        _time = timeProvider ?? TimeProvider.System;
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
        var delay = _options.InitialRetryDelay;
        RealtimeCallControlResult result = default;
        for (var attempt = 1; ; attempt++)
        {
            bool retryable;
            string reason;
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, url);
                request.Headers.Accept.ParseAdd("*/*");
                await AuthenticateAsync(request, cancellationToken).ConfigureAwait(false);
                if (jsonBody is not null)
                {
                    request.Content = new StringContent(jsonBody, Encoding.UTF8, "application/json");
                }

                using var timeout = new CancellationTokenSource(_options.RequestTimeout, _time);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
                using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, linked.Token)
                    .ConfigureAwait(false);
                var status = (int)response.StatusCode;
                if (response.IsSuccessStatusCode)
                {
                    OpenAICallControlLog.Answered(_logger, callId, operation, status);
                    return new RealtimeCallControlResult(RealtimeCallControlOutcome.Ok, status, null, attempt);
                }

                var message = await ReadErrorMessageAsync(response, linked.Token).ConfigureAwait(false);
                if (response.StatusCode == HttpStatusCode.NotFound)
                {
                    OpenAICallControlLog.CallGone(_logger, callId, operation);
                    return new RealtimeCallControlResult(RealtimeCallControlOutcome.CallGone, status, message, attempt);
                }

                result = new RealtimeCallControlResult(RealtimeCallControlOutcome.Failed, status, message, attempt);
                retryable = status >= 500 || status == (int)HttpStatusCode.TooManyRequests;
                reason = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested
                                       && ex is HttpRequestException or OperationCanceledException or IOException)
            {
                reason = ex is OperationCanceledException ? "timed out" : "transport failure";
                result = new RealtimeCallControlResult(RealtimeCallControlOutcome.Failed, null, $"The request {reason}.", attempt);
                retryable = true;
            }

            if (!retryable || attempt >= _options.MaxAttempts)
            {
                OpenAICallControlLog.Failed(_logger, callId, operation, result.StatusCode, result.Message);
                return result;
            }

            OpenAICallControlLog.Retrying(_logger, callId, operation, attempt, reason, delay.TotalMilliseconds);
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            }

            delay *= 2;
        }
    }

    private async ValueTask AuthenticateAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (_realtime.Service == RealtimeServiceKind.AzureOpenAI)
        {
            if (!string.IsNullOrEmpty(_realtime.ApiKey))
            {
                request.Headers.TryAddWithoutValidation("api-key", _realtime.ApiKey);
                return;
            }

            // Azure.Identity caches tokens, so asking per request costs nothing while the token is fresh.
            var token = await _realtime.Credential!.GetTokenAsync(
                new TokenRequestContext([RealtimeEngineOptions.CognitiveServicesScope]), cancellationToken).ConfigureAwait(false);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Token);
            return;
        }

        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _realtime.ApiKey);
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

        try
        {
            using var document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("error", out var error)
                && error.ValueKind == JsonValueKind.Object
                && error.TryGetProperty("message", out var message)
                && message.ValueKind == JsonValueKind.String)
            {
                text = message.GetString() ?? string.Empty;
            }
        }
        catch (JsonException)
        {
            // Not JSON: keep the (truncated) text.
        }

        text = text.Trim();
        if (text.Length == 0)
        {
            return response.ReasonPhrase;
        }

        return text.Length > MaxErrorMessageLength ? text[..MaxErrorMessageLength] + "…" : text;
    }
}
