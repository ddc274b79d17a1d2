using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DvServerless.Simulators.Realtime.Sip;

/// <summary>
/// Posts the simulator's SIP webhooks as OpenAI does: <c>realtime.call.incoming</c> (retried on non-2xx with the same
/// <c>webhook-id</c> and a fresh timestamp and signature per attempt, the delay doubling) and, when asked,
/// <c>live.call.incoming</c>, each signed by the Standard Webhooks scheme.
/// </summary>
internal sealed class SipWebhookSender : IDisposable
{
    // OpenAI's bodies carry '+' and other characters unescaped (e.g. "sip:+1…"); the default encoder would escape them.
    private static readonly JsonSerializerOptions WebhookJson = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly HttpClient _client = new() { Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>Delivers the call's <c>realtime.call.incoming</c>; true once the app acknowledged it with a 2xx.</summary>
    public async Task<bool> DeliverCallIncomingAsync(SipCall call, SipCallRequest request, TimeProvider time, CancellationToken cancellationToken)
    {
        var body = CallIncomingBody(call, request, time);
        var delay = request.WebhookRetryDelay;
        for (var attempt = 1; attempt <= request.MaxWebhookAttempts; attempt++)
        {
            var status = await PostWebhookAsync(request, call.WebhookId, body, time, cancellationToken).ConfigureAwait(false);
            call.AddWebhookAttempt(status);
            if (status is >= 200 and < 300)
            {
                return true;
            }

            if (attempt < request.MaxWebhookAttempts)
            {
                await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
                delay *= 2;
            }
        }

        return false;
    }

    /// <summary>Posts one signed webhook.</summary>
    /// <returns>The HTTP status, 0 when no response arrived.</returns>
    public async Task<int> PostWebhookAsync(SipCallRequest request, string webhookId, byte[] body, TimeProvider time, CancellationToken cancellationToken)
    {
        // Each attempt is signed afresh: a new timestamp, hence a new signature, under the same webhook-id.
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        using var message = new HttpRequestMessage(HttpMethod.Post, request.WebhookUrl) { Content = new ByteArrayContent(body) };
        message.Content.Headers.TryAddWithoutValidation("content-type", "application/json");
        message.Headers.TryAddWithoutValidation("user-agent", SipSimulatorDefaults.WebhookUserAgent);
        message.Headers.TryAddWithoutValidation("webhook-id", webhookId);
        message.Headers.TryAddWithoutValidation("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        message.Headers.TryAddWithoutValidation("webhook-signature", SipWebhookSigner.Sign(request.WebhookSecret, webhookId, timestamp, body));
        try
        {
            using var response = await _client.SendAsync(message, cancellationToken).ConfigureAwait(false);
            return (int)response.StatusCode;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is HttpRequestException or TaskCanceledException)
        {
            return 0;
        }
    }

    private static byte[] CallIncomingBody(SipCall call, SipCallRequest request, TimeProvider time) =>
        Encoding.UTF8.GetBytes(new JsonObject
        {
            ["object"] = "event",
            ["id"] = "evt_" + SipCallRegistry.Hex32(),
            ["type"] = "realtime.call.incoming",
            ["created_at"] = time.GetUtcNow().ToUnixTimeSeconds(),
            ["data"] = new JsonObject { ["call_id"] = call.CallId, ["sip_headers"] = HeadersArray(request) },
        }.ToJsonString(WebhookJson));

    public static byte[] LiveCallIncomingBody(SipCall call, SipCallRequest request, TimeProvider time) =>
        Encoding.UTF8.GetBytes(new JsonObject
        {
            ["object"] = "event",
            ["id"] = "evt_" + SipCallRegistry.Hex32(),
            ["type"] = "live.call.incoming",
            ["created_at"] = time.GetUtcNow().ToUnixTimeSeconds(),
            ["data"] = new JsonObject { ["session_id"] = call.CallId, ["sip_headers"] = HeadersArray(request) },
        }.ToJsonString(WebhookJson));

    private static JsonArray HeadersArray(SipCallRequest request) =>
        new(request.SipHeaders.Select(h => (JsonNode)new JsonObject { ["name"] = h.Key, ["value"] = h.Value }).ToArray());

    public void Dispose() => _client.Dispose();
}
