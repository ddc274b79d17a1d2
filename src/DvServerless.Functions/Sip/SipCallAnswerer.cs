using DvServerless.Adapters.Engines;
using DvServerless.Adapters.OpenAI.Calls;
using DvServerless.Core.Calls;
using DvServerless.Core.Engines;

namespace DvServerless.Functions.Sip;

/// <summary>
/// Carries out the decision on an incoming SIP call (PROTOCOL §2): rejects it with OpenAI, or accepts it with its agent
/// and hands it to the media worker for the sideband, and records each outcome in the call's session.
/// </summary>
/// <remarks>
/// Apart from <see cref="SipIncomingService"/>, which decides once per call, so the talk with OpenAI and the worker reads
/// on its own. It logs under the service's category, where these lines always were.
/// </remarks>
internal sealed partial class SipCallAnswerer
{
    private readonly ICallSessionStore _sessions;
    private readonly ISipWorkerClient _worker;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Creates the answerer; <paramref name="logger"/> is the incoming-call service's.</summary>
    public SipCallAnswerer(ICallSessionStore sessions, ISipWorkerClient worker, TimeProvider time, ILogger logger)
    {
        _sessions = sessions;
        _worker = worker;
        _time = time;
        _logger = logger;
    }

    /// <summary>Rejects the call as <paramref name="decision"/> says, and ends (or fails) its session.</summary>
    public async Task<SipIncomingOutcome> RejectAsync(
        string callId, string sipCallId, SipCallDecision decision, IRealtimeCallControl control, CancellationToken cancellationToken)
    {
        var result = await control.RejectAsync(sipCallId, decision.RejectStatus, cancellationToken).ConfigureAwait(false);
        var reason = result.Outcome switch
        {
            RealtimeCallControlOutcome.Ok => $"rejected with {decision.RejectStatus}: {decision.Reason}",
            RealtimeCallControlOutcome.CallGone => $"call gone before the reject ({decision.Reason})",
            _ => $"reject failed ({Describe(result)}): {decision.Reason}",
        };
        var final = result.Outcome == RealtimeCallControlOutcome.Failed ? CallState.Failed : CallState.Ended;
        await MoveAsync(callId, final, reason, s => s.Metadata[SipSessionMetadata.Decision] = $"reject {decision.RejectStatus}: {decision.Reason}").ConfigureAwait(false);
        LogRejected(callId, decision.RejectStatus, decision.Reason, result.Outcome);
        return new SipIncomingOutcome(callId, sipCallId, final == CallState.Ended ? SipIncomingResult.Rejected : SipIncomingResult.Failed, reason, decision.RejectStatus);
    }

    /// <summary>
    /// Accepts the call, whose session is <c>Answering</c>, with <paramref name="agent"/>, then has the worker
    /// (<paramref name="worker"/> when one was picked) attach the sideband, telling it <paramref name="owner"/> (who the call
    /// belongs to, for when it cannot read the session); hangs up when it cannot.
    /// </summary>
    public async Task<SipIncomingOutcome> AcceptAsync(
        string callId, string sipCallId, string? worker, IRealtimeCallControl control, AgentOptions agent, CallOwner owner, CancellationToken cancellationToken)
    {
        var body = AcceptSessionBuilder.Build(agent, AcceptTools(agent));
        var accepted = await control.AcceptAsync(sipCallId, body, cancellationToken).ConfigureAwait(false);
        if (!accepted.IsOk)
        {
            var reason = accepted.Outcome == RealtimeCallControlOutcome.CallGone
                ? "accept failed: the call is gone (404)"
                : $"accept failed ({Describe(accepted)})";
            await MoveAsync(callId, CallState.Failed, reason).ConfigureAwait(false);
            LogAcceptFailed(callId, sipCallId, reason);
            if (accepted.Outcome != RealtimeCallControlOutcome.CallGone)
            {
                await RejectUnacceptedAsync(callId, sipCallId, control).ConfigureAwait(false);
            }

            return new SipIncomingOutcome(callId, sipCallId, SipIncomingResult.Failed, reason);
        }

        try
        {
            await MoveAsync(callId, CallState.Connected, "accepted").ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // OpenAI has the call: without the sideband nobody would greet, record or end it, so the attach goes ahead.
            LogConnectedNotRecorded(callId, e.GetType().Name, e.Message);
        }

        LogAccepted(callId, sipCallId);

        var attach = await _worker.AttachAsync(callId, sipCallId, worker, owner, cancellationToken).ConfigureAwait(false);
        if (!attach.Ok)
        {
            // Without the sideband nobody greets, records, transfers or ends the call: hang up rather than leave it unmanaged.
            var reason = "sideband attach failed: " + attach.Detail;
            LogAttachFailed(callId, attach.Detail);
            await control.HangUpAsync(sipCallId, CancellationToken.None).ConfigureAwait(false);
            await MoveAsync(callId, CallState.Failed, reason).ConfigureAwait(false);
            return new SipIncomingOutcome(callId, sipCallId, SipIncomingResult.Failed, reason);
        }

        return new SipIncomingOutcome(callId, sipCallId, SipIncomingResult.Accepted, "accepted");
    }

    /// <summary>
    /// Moves the session of <paramref name="callId"/> to <paramref name="to"/>, applying <paramref name="also"/> in the same
    /// write; false when the move did not apply. Not tied to the request: once OpenAI has been told, the session must say so
    /// even if the webhook caller gave up. With <paramref name="decider"/> (the delivery's id on the session), a move already
    /// made by that same delivery, whose answer storage lost, counts as applied.
    /// </summary>
    public Task<bool> MoveAsync(string callId, CallState to, string reason, Action<CallSession>? also = null, string? decider = null) =>
        _sessions.TryMoveAsync(callId, to, _time.GetUtcNow(), reason, also, decider, CancellationToken.None);

    /// <summary>
    /// Commits this delivery (<paramref name="decider"/>) to accepting the call: the session moves to <c>Answering</c>,
    /// tried again while storage fails (<see cref="CallSessionClaims.CommitAsync"/>); false when another delivery decided.
    /// </summary>
    public Task<bool> CommitAsync(string callId, string decider) =>
        _sessions.CommitAsync(callId, _time.GetUtcNow(), "accepting", decider, s => s.Metadata[SipSessionMetadata.Decision] = "accept",
            (attempt, e) => LogCommitRetried(callId, attempt, e.GetType().Name, e.Message), CancellationToken.None);

    /// <summary>
    /// The tools the accept declares: the agent's own list when it has one (as an ACS call's engine declares it), else
    /// <c>end_call</c> and <c>transfer</c>; the worker's HTTP tools follow on the sideband.
    /// </summary>
    private static IEnumerable<System.Text.Json.Nodes.JsonObject> AcceptTools(AgentOptions agent) => agent.Tools.Count > 0
        ? agent.Tools.Select(AcceptSessionBuilder.ToJson)
        : [AcceptSessionBuilder.CreateEndCallTool(), AcceptSessionBuilder.CreateTransferTool()];

    /// <summary>
    /// A call the accept could not take (OpenAI throttling or failing past the retries) is rejected with SIP 503, once
    /// and best effort, so that the caller's carrier hears "unavailable" at once and may try another route, instead of the
    /// caller ringing until OpenAI gives up on the call. Not tied to the request, like the session's state.
    /// </summary>
    private async Task RejectUnacceptedAsync(string callId, string sipCallId, IRealtimeCallControl control)
    {
        var rejected = await control.RejectAsync(sipCallId, SipIncomingService.UnacceptedRejectStatus, CancellationToken.None).ConfigureAwait(false);
        LogUnacceptedRejected(callId, SipIncomingService.UnacceptedRejectStatus, rejected.Outcome);
    }

    private static string Describe(RealtimeCallControlResult result) =>
        (result.StatusCode is { } status ? status.ToString(System.Globalization.CultureInfo.InvariantCulture) : "no response")
        + (string.IsNullOrEmpty(result.Message) ? string.Empty : ": " + result.Message);

    [LoggerMessage(EventId = 3509, Level = LogLevel.Warning,
        Message = "SIP call {CallId}: the accept's commit failed on try {Attempt} ({ErrorType}: {ErrorMessage}); trying it again, as only this delivery may accept.")]
    private partial void LogCommitRetried(string callId, int attempt, string errorType, string errorMessage);

    [LoggerMessage(EventId = 3510, Level = LogLevel.Warning,
        Message = "SIP call {CallId} is accepted but the session could not record it ({ErrorType}: {ErrorMessage}); attaching the sideband all the same.")]
    private partial void LogConnectedNotRecorded(string callId, string errorType, string errorMessage);

    [LoggerMessage(EventId = 3503, Level = LogLevel.Information, Message = "SIP call {CallId} ({SipCallId}) accepted.")]
    private partial void LogAccepted(string callId, string sipCallId);

    [LoggerMessage(EventId = 3504, Level = LogLevel.Information, Message = "SIP call {CallId} rejected with {Status} ({Reason}); OpenAI answered {Outcome}.")]
    private partial void LogRejected(string callId, int status, string reason, RealtimeCallControlOutcome outcome);

    [LoggerMessage(EventId = 3505, Level = LogLevel.Error, Message = "SIP call {CallId} ({SipCallId}): {Reason}.")]
    private partial void LogAcceptFailed(string callId, string sipCallId, string reason);

    [LoggerMessage(EventId = 9470, Level = LogLevel.Warning, Message = "SIP call {CallId}: the accept failed, so the call was rejected with {Status} rather than left ringing; OpenAI answered {Outcome}.")]
    private partial void LogUnacceptedRejected(string callId, int status, RealtimeCallControlOutcome outcome);

    [LoggerMessage(EventId = 3506, Level = LogLevel.Error, Message = "SIP call {CallId}: the worker did not take the sideband ({Detail}); hanging up.")]
    private partial void LogAttachFailed(string callId, string detail);
}
