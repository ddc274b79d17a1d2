using System.Text.Json.Nodes;

namespace DvServerless.Adapters.OpenAI.Calls;

/// <summary>
/// The Realtime SIP call-control REST API (PROTOCOL §2.3): <c>POST {base}/realtime/calls/{call_id}/accept|reject|refer|hangup</c>.
/// Results are values: 404 is <see cref="RealtimeCallControlOutcome.CallGone"/>, other failures are
/// <see cref="RealtimeCallControlOutcome.Failed"/>.
/// </summary>
public interface IRealtimeCallControl
{
    /// <summary>
    /// Accepts the call with <paramref name="session"/> (a GA <c>RealtimeSessionCreateRequestGA</c>, e.g. from
    /// <see cref="AcceptSessionBuilder.Build"/>); 200 means OpenAI is ringing the SIP leg.
    /// </summary>
    Task<RealtimeCallControlResult> AcceptAsync(string callId, JsonObject session, CancellationToken cancellationToken);

    /// <summary>Declines the call with SIP <paramref name="statusCode"/> (null = no body: the service's default 603).</summary>
    Task<RealtimeCallControlResult> RejectAsync(string callId, int? statusCode, CancellationToken cancellationToken);

    /// <summary>Transfers the call (SIP REFER) to <paramref name="targetUri"/> (<c>tel:+…</c> or <c>sip:…</c>).</summary>
    Task<RealtimeCallControlResult> ReferAsync(string callId, string targetUri, CancellationToken cancellationToken);

    /// <summary>Ends the call.</summary>
    Task<RealtimeCallControlResult> HangUpAsync(string callId, CancellationToken cancellationToken);
}
