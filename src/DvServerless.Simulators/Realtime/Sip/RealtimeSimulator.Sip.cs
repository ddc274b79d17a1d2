using System.Net.WebSockets;
using System.Text.Json.Nodes;
using DvServerless.Simulators.Realtime.Sip;
using Microsoft.Extensions.Logging;

namespace DvServerless.Simulators.Realtime;

/// <summary>
/// The SIP side of the simulator (PROTOCOL §2): it places calls by posting signed <c>realtime.call.incoming</c>
/// webhooks, serves <c>POST /v1/realtime/calls/{call_id}/accept|reject|refer|hangup</c> (and <c>/openai/v1/…</c>),
/// attaches sideband WebSockets (<c>?call_id=</c>) to accepted calls, and plays the caller's audio into the call.
/// </summary>
public sealed partial class RealtimeSimulator
{
    private readonly SipWebhookSender _webhooks = new();

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
            var delivered = await _webhooks.DeliverCallIncomingAsync(call, request, time, linked.Token).ConfigureAwait(false);
            if (request.AlsoEmitLiveCallIncoming)
            {
                call.SetLiveWebhookStatus(await _webhooks.PostWebhookAsync(
                    request, "wh_" + SipCallRegistry.Hex32(), SipWebhookSender.LiveCallIncomingBody(call, request, time), time, linked.Token).ConfigureAwait(false));
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
}
