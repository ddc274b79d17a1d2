using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DvServerless.Adapters.Engines.Realtime;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DvServerless.Adapters.OpenAI.ClientSecrets;

/// <summary>
/// <see cref="IRealtimeClientSecrets"/> over HttpClient for OpenAI (<c>{base}/realtime/client_secrets</c>, Bearer key),
/// Azure OpenAI (<c>https://{resource}.openai.azure.com/openai/v1/realtime/client_secrets</c>, <c>api-key</c> or an
/// Entra token) and the simulator, with the Realtime engine's endpoint and credentials. 429, 5xx and transport failures
/// are retried a bounded number of times by the HTTP client's pipeline (see
/// <see cref="RealtimeClientSecretsServiceCollectionExtensions.Retries"/>), then answered as a failure. Make clients with
/// <see cref="RealtimeClientSecretsClientFactory"/>.
/// </summary>
public sealed partial class RealtimeClientSecretsClient : IRealtimeClientSecrets
{
    /// <summary>The fewest seconds a secret may live (spec <c>RealtimeCreateClientSecretRequest</c>).</summary>
    public const int MinExpiresAfterSeconds = 10;

    /// <summary>The most seconds a secret may live (spec).</summary>
    public const int MaxExpiresAfterSeconds = 7200;


    private readonly HttpClient _http;
    private readonly RealtimeEngineOptions _realtime;
    private readonly ILogger _logger;

    /// <summary>Creates the client over <paramref name="httpClient"/> (not disposed by it).</summary>
    /// <exception cref="InvalidOperationException">The settings are unusable.</exception>
    public RealtimeClientSecretsClient(HttpClient httpClient, RealtimeEngineOptions realtime, ILogger<RealtimeClientSecretsClient>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(realtime);
        if (realtime.Validate() is { } problem)
        {
            throw new InvalidOperationException(problem);
        }

        _http = httpClient;
        _realtime = realtime;
        _logger = logger ?? NullLogger<RealtimeClientSecretsClient>.Instance;
    }

    /// <summary>The endpoint, e.g. <c>https://api.openai.com/v1/realtime/client_secrets</c>.</summary>
    public Uri Endpoint => new(_realtime.EffectiveBaseUrl.ToString().TrimEnd('/') + "/realtime/client_secrets");

    /// <inheritdoc />
    public async Task<RealtimeClientSecretResult> CreateAsync(JsonObject session, int expiresAfterSeconds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentOutOfRangeException.ThrowIfLessThan(expiresAfterSeconds, MinExpiresAfterSeconds);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(expiresAfterSeconds, MaxExpiresAfterSeconds);
        var body = new JsonObject
        {
            ["expires_after"] = new JsonObject { ["anchor"] = "created_at", ["seconds"] = expiresAfterSeconds },
            ["session"] = session.DeepClone(),
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, Endpoint)
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        await OpenAIRestRequests.AuthenticateAsync(request, _realtime, cancellationToken).ConfigureAwait(false);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                var message = OpenAIRestRequests.ErrorMessage(text) ?? response.ReasonPhrase;
                LogFailed(_logger, status, message ?? "-");
                return new RealtimeClientSecretResult(null, status, message, OpenAIRestResilience.RetryAfter(response, TimeProvider.System));
            }

            var secret = Parse(text);
            if (secret is null)
            {
                LogFailed(_logger, status, "the answer has no value/expires_at");
                return new RealtimeClientSecretResult(null, status, "The service answered without a client secret.");
            }

            LogMinted(_logger, secret.ExpiresAt);
            return new RealtimeClientSecretResult(secret, status, null);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is HttpRequestException or OperationCanceledException or IOException)
        {
            var reason = e is OperationCanceledException ? "The request timed out." : "The request failed in transport.";
            LogFailed(_logger, null, reason);
            return new RealtimeClientSecretResult(null, null, reason);
        }
    }

    /// <summary>The secret in a <c>RealtimeCreateClientSecretResponse</c>; null when the answer lacks one.</summary>
    internal static RealtimeClientSecret? Parse(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            return root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("value", out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } secret
                && root.TryGetProperty("expires_at", out var expires) && expires.TryGetInt64(out var seconds)
                ? new RealtimeClientSecret(secret, DateTimeOffset.FromUnixTimeSeconds(seconds))
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    [LoggerMessage(EventId = 5311, Level = LogLevel.Information, Message = "Realtime client secret minted, valid until {ExpiresAt:O}.")]
    private static partial void LogMinted(ILogger logger, DateTimeOffset expiresAt);

    [LoggerMessage(EventId = 5312, Level = LogLevel.Warning, Message = "Realtime client secret refused ({Status}): {Message}")]
    private static partial void LogFailed(ILogger logger, int? status, string message);

    [LoggerMessage(EventId = 5314, Level = LogLevel.Warning, Message = "Realtime client secret attempt {Attempt} failed ({Reason}); retrying in {DelayMs} ms")]
    internal static partial void LogRetrying(ILogger logger, int attempt, string reason, double delayMs);
}
