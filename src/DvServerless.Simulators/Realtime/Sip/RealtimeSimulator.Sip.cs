using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DvServerless.Simulators.Realtime.Sip;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace DvServerless.Simulators.Realtime;

/// <summary>
/// The SIP side of the simulator (PROTOCOL §2): it places calls by posting signed <c>realtime.call.incoming</c>
/// webhooks, serves <c>POST /v1/realtime/calls/{call_id}/accept|reject|refer|hangup</c> (and <c>/openai/v1/…</c>),
/// attaches sideband WebSockets (<c>?call_id=</c>) to accepted calls, and plays the caller's audio into the call.
/// </summary>
public sealed partial class RealtimeSimulator
{
    // OpenAI's bodies carry '+' and other characters unescaped (e.g. "sip:+1…"); the default encoder would escape them.
    private static readonly JsonSerializerOptions WebhookJson = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly HttpClient _webhookClient = new() { Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>Every SIP call placed so far, as snapshots.</summary>
    public IReadOnlyList<SipCallResult> SipCalls => _sipCalls.All.Select(c => c.Snapshot(Records)).ToArray();

    /// <summary>A snapshot of one SIP call, or null for an unknown id.</summary>
    public SipCallResult? GetSipCall(string callId) => _sipCalls.Find(callId)?.Snapshot(Records);

    /// <summary>
    /// Places one inbound SIP call and returns when it has ended: posts the signed webhook (retrying non-2xx with the
    /// same <c>webhook-id</c> and a fresh timestamp and signature per attempt), waits for the app's accept or reject,
    /// waits for a sideband, plays the caller's audio and hangs up once the agent is quiet — unless the app hangs up
    /// or refers first.
    /// </summary>
    public async Task<SipCallResult> PlaceSipCallAsync(SipCallRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        var time = _options.TimeProvider ?? TimeProvider.System;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _shutdown.Token);
        var call = _sipCalls.Create();
        try
        {
            var delivered = await DeliverCallIncomingAsync(call, request, time, linked.Token).ConfigureAwait(false);
            if (request.AlsoEmitLiveCallIncoming)
            {
                call.SetLiveWebhookStatus(await PostWebhookAsync(
                    request, "wh_" + SipCallRegistry.Hex32(), LiveCallIncomingBody(call, request, time), time, linked.Token).ConfigureAwait(false));
            }

            if (!delivered && !call.Decided.IsCompleted)
            {
                call.End(SipCallEnd.NotAnswered, "the webhook was not acknowledged");
                return call.Snapshot(Records);
            }

            var decided = await Task.WhenAny(call.Decided, Task.Delay(request.DecisionTimeout, time, linked.Token)).ConfigureAwait(false);
            if (decided != call.Decided)
            {
                call.End(SipCallEnd.NotAnswered, "the app neither accepted nor rejected the call");
                return call.Snapshot(Records);
            }

            if (call.IsAccepted)
            {
                await SipCallerLeg.RunAsync(call, request, time, linked.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            call.End(SipCallEnd.CallerHungUp, "the caller hung up (cancelled)");
            throw;
        }

        // Let the sidebands see their close before the records are read.
        await Task.Delay(50, CancellationToken.None).ConfigureAwait(false);
        return call.Snapshot(Records);
    }

    /// <summary>The caller presses a key: the call's sideband receives <c>input_audio_buffer.dtmf_event_received</c>.</summary>
    /// <returns>False when the call has no attached sideband.</returns>
    public bool SendSipDtmf(string callId, string digit)
    {
        ArgumentException.ThrowIfNullOrEmpty(digit);
        var session = _sipCalls.Find(callId)?.Primary;
        session?.ReceiveDtmf(digit);
        return session is not null;
    }

    private async Task<bool> DeliverCallIncomingAsync(SipCall call, SipCallRequest request, TimeProvider time, CancellationToken cancellationToken)
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

    /// <returns>The HTTP status, 0 when no response arrived.</returns>
    private async Task<int> PostWebhookAsync(SipCallRequest request, string webhookId, byte[] body, TimeProvider time, CancellationToken cancellationToken)
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
            using var response = await _webhookClient.SendAsync(message, cancellationToken).ConfigureAwait(false);
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

    private static byte[] LiveCallIncomingBody(SipCall call, SipCallRequest request, TimeProvider time) =>
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

    private static async Task RunSidebandAsync(
        WebSocket socket, SipCall call, RealtimeSimulatorOptions options, RealtimeSimulatorRecords records, ILogger logger, CancellationToken shutdown)
    {
        var accepted = call.AcceptedSession ?? new JsonObject { ["type"] = "realtime" };
        var model = accepted["model"] is JsonValue m && m.TryGetValue(out string? name) && name.Length > 0 ? name : options.DefaultModel;
        var session = new RealtimeSimulatorSession(socket, options, records, model, call.CallId, false, logger, shutdown);
        // Validated at accept time, so this applies.
        session.ApplyAcceptedSession(accepted);
        if (!call.TryAttach(session))
        {
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "call ended", CancellationToken.None).ConfigureAwait(false);
            return;
        }

        try
        {
            await session.RunAsync().ConfigureAwait(false);
        }
        finally
        {
            call.Detach(session);
        }
    }

    private static async Task HandleCallControlAsync(
        HttpContext context, RealtimeSimulatorOptions options, SipCallRegistry sipCalls, ILogger logger)
    {
        if (!await AuthenticateAsync(context, options, logger, []).ConfigureAwait(false))
        {
            return;
        }

        var callId = (string?)context.GetRouteValue("call_id") ?? string.Empty;
        var operation = (string?)context.GetRouteValue("operation") ?? string.Empty;
        if (operation is not ("accept" or "reject" or "refer" or "hangup"))
        {
            await RefuseAsync(context, logger, StatusCodes.Status404NotFound, "not_found", "Not found.").ConfigureAwait(false);
            return;
        }

        JsonNode? body = null;
        using (var reader = new StreamReader(context.Request.Body, Encoding.UTF8))
        {
            var text = await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false);
            if (text.Length > 1024 * 1024)
            {
                await RefuseAsync(context, logger, StatusCodes.Status413PayloadTooLarge, null, "The request body is too large.").ConfigureAwait(false);
                return;
            }

            if (!string.IsNullOrWhiteSpace(text))
            {
                try
                {
                    body = JsonNode.Parse(text);
                }
                catch (JsonException)
                {
                    await BadRequestAsync(context, logger, new RealtimeProtocolError("invalid_json", "The request body is not valid JSON.")).ConfigureAwait(false);
                    return;
                }
            }
        }

        var call = sipCalls.Find(callId);
        if (call is null)
        {
            await RefuseAsync(context, logger, StatusCodes.Status404NotFound, "call_not_found", "Call not found.").ConfigureAwait(false);
            return;
        }

        int? refused;
        switch (operation)
        {
            case "accept":
                var acceptError = SipAcceptValidator.Validate(body, options);
                if (acceptError is not null)
                {
                    await BadRequestAsync(context, logger, acceptError).ConfigureAwait(false);
                    return;
                }

                refused = call.Accept((JsonObject)body!);
                break;
            case "reject":
                var status = 603;
                if (body is not null)
                {
                    var rejectError = body is not JsonObject reject ? new RealtimeProtocolError("invalid_type", "The request body must be a JSON object.")
                        : reject.Any(p => p.Key != "status_code") ? RealtimeProtocolError.Unknown(reject.First(p => p.Key != "status_code").Key)
                        : reject["status_code"] is null ? null
                        : !RealtimeJson.TryInteger(reject["status_code"], out var code) ? RealtimeProtocolError.InvalidType("status_code", "an integer")
                        : code is < 400 or > 699 ? RealtimeProtocolError.InvalidValue("status_code", "Invalid 'status_code': expected a SIP final status between 400 and 699.")
                        : null;
                    if (rejectError is not null)
                    {
                        await BadRequestAsync(context, logger, rejectError).ConfigureAwait(false);
                        return;
                    }

                    if (RealtimeJson.TryInteger(body["status_code"], out var given))
                    {
                        status = (int)given;
                    }
                }

                refused = call.Reject(status);
                break;
            case "refer":
                var target = body is JsonObject refer && RealtimeJson.IsString(refer["target_uri"]) ? (string)refer["target_uri"]! : null;
                var referError = body is not JsonObject referObject ? RealtimeProtocolError.Missing("target_uri")
                    : referObject.Any(p => p.Key != "target_uri") ? RealtimeProtocolError.Unknown(referObject.First(p => p.Key != "target_uri").Key)
                    : referObject["target_uri"] is null ? RealtimeProtocolError.Missing("target_uri")
                    : target is null ? RealtimeProtocolError.InvalidType("target_uri", "a string")
                    : !(target.StartsWith("tel:", StringComparison.OrdinalIgnoreCase) || target.StartsWith("sip:", StringComparison.OrdinalIgnoreCase)
                        || target.StartsWith("sips:", StringComparison.OrdinalIgnoreCase))
                        ? RealtimeProtocolError.InvalidValue("target_uri", "Invalid 'target_uri': expected a tel: or sip: URI.")
                    : null;
                if (referError is not null)
                {
                    await BadRequestAsync(context, logger, referError).ConfigureAwait(false);
                    return;
                }

                refused = call.Refer(target!);
                break;
            default:
                refused = call.HangUp();
                break;
        }

        if (refused is 404)
        {
            await RefuseAsync(context, logger, StatusCodes.Status404NotFound, "call_not_found", "Call not found.").ConfigureAwait(false);
            return;
        }

        if (refused is { } conflict)
        {
            await RefuseAsync(context, logger, conflict, "call_already_accepted", "The call has already been accepted.").ConfigureAwait(false);
            return;
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
    }

    private static async Task BadRequestAsync(HttpContext context, ILogger logger, RealtimeProtocolError error)
    {
        RealtimeSimulatorLog.ConnectionRefused(logger, StatusCodes.Status400BadRequest, error.Message);
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        context.Response.ContentType = "application/json";
        var body = new JsonObject
        {
            ["error"] = new JsonObject
            {
                ["message"] = error.Message, ["type"] = "invalid_request_error", ["param"] = error.Param, ["code"] = error.Code,
            },
        };
        await context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted).ConfigureAwait(false);
    }
}
