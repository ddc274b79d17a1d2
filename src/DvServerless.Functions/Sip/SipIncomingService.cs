using System.Diagnostics;
using DvServerless.Functions.Tenants;
using DvServerless.Adapters.Engines;
using DvServerless.Adapters.OpenAI.Calls;
using DvServerless.Adapters.OpenAI.Webhooks;
using DvServerless.Adapters.Storage;
using DvServerless.Core.Calls;
using DvServerless.Core.Engines;
using DvServerless.Core.Privacy;
using DvServerless.Core.Tenants;
using DvServerless.Functions.Calls;
using DvServerless.Functions.Telemetry;
using Microsoft.Extensions.Options;

namespace DvServerless.Functions.Sip;

/// <summary>
/// Decides a verified <c>realtime.call.incoming</c> call (PROTOCOL §2): creates its session once per <c>call_id</c>
/// (the only gate a redelivered or concurrently delivered webhook cannot pass twice), applies the reject rules and the
/// worker's capacity, accepts with the agent of the called number (<see cref="SipRoutingOptions.RouteByCalledParty"/>) or
/// the default agent, or rejects, and hands an accepted call to the media worker,
/// which attaches the sideband. Every step is recorded in the session. The accept or reject itself, and the hand-over,
/// are <see cref="SipCallAnswerer"/>'s.
/// </summary>
/// <remarks>
/// Accept failures (400, 404, 5xx after the client's retries) leave the session <c>Failed</c> and are answered 2xx: the
/// session is final, so a redelivery could not accept anyway, and for 404 the call is gone. A call still there is then
/// rejected with SIP 503 (best effort), so its caller does not ring on until OpenAI gives up. A failure before the session
/// exists (storage down) is answered 5xx, so OpenAI retries it. A failure or a crash after the session exists but before
/// the decision leaves it <c>Ringing</c>: a redelivery meanwhile is answered 503 (<see cref="SipIncomingResult.InProgress"/>)
/// and one after <see cref="SipRoutingOptions.UndecidedTakeoverAfter"/> takes the decision over, so such a call is not lost.
/// </remarks>
public sealed partial class SipIncomingService
{
    /// <summary>SIP 503 Service Unavailable: the status a call the accept failed for is rejected with.</summary>
    public const int UnacceptedRejectStatus = 503;

    private readonly ICallSessionStore _sessions;
    private readonly IRealtimeCallControl _control;
    private readonly ISipWorkerClient _worker;
    private readonly SipCallAnswerer _answerer;
    private readonly SipRoutingPolicy _policy;
    private readonly SipWebhookIdCache _recent;
    private readonly SipRoutingOptions _routing;
    private readonly AgentOptions _agent;
    private readonly TimeProvider _time;
    private readonly ILogger<SipIncomingService> _logger;
    private readonly ICallAdmissionPolicy _admission;
    private readonly TenantRealtimeProjects? _controls;
    private readonly AgentCatalog? _agents;

    /// <summary>
    /// Creates the service. <paramref name="control"/> serves calls of no tenant; <paramref name="controls"/>, when given,
    /// picks the client of a tenant that brings its own OpenAI project. <paramref name="agent"/> is the default agent;
    /// <paramref name="agents"/>, when given, offers the named agents whose <c>PhoneNumbers</c> the called party may match.
    /// </summary>
    public SipIncomingService(
        ICallSessionStore sessions,
        IRealtimeCallControl control,
        ISipWorkerClient worker,
        SipRoutingPolicy policy,
        SipWebhookIdCache recent,
        IOptions<SipRoutingOptions> routing,
        AgentOptions agent,
        TimeProvider time,
        ILogger<SipIncomingService> logger,
        ICallAdmissionPolicy? admission = null,
        TenantRealtimeProjects? controls = null,
        AgentCatalog? agents = null)
    {
        _agents = agents;
        _admission = admission ?? AdmitAllCallsPolicy.Instance;
        _controls = controls;
        _sessions = sessions;
        _control = control;
        _worker = worker;
        _policy = policy;
        _recent = recent;
        _routing = routing.Value;
        _agent = agent;
        _time = time;
        _logger = logger;
        _answerer = new SipCallAnswerer(sessions, worker, time, logger);
    }

    /// <summary>The gateway's call id for OpenAI's <paramref name="sipCallId"/>: the same for every delivery of one call.</summary>
    public static string SessionIdFor(string sipCallId) => CallIdDerivation.FromValue(sipCallId);

    /// <summary>Handles one parsed incoming call verified by the gateway's own webhook secret (a call of no tenant).</summary>
    public Task<SipIncomingOutcome> HandleAsync(SipIncomingCall call, CancellationToken cancellationToken = default) =>
        HandleAsync(call, null, cancellationToken);

    /// <summary>
    /// Handles one verified, parsed incoming call. <paramref name="verifiedTenantId"/> is the tenant whose own webhook
    /// secret verified it (<see cref="SipWebhookAuthentication.TenantId"/>); null for the gateway's secret. Only trusted
    /// data picks the tenant: the <c>To</c> header does only for gateway-secret calls and only with
    /// <see cref="SipRoutingOptions.RouteByCalledParty"/>. With that option the <c>To</c> number also picks the named agent
    /// that lists it (<c>Agents:{id}:PhoneNumbers</c>) for every call, a tenant-verified one included.
    /// </summary>
    public async Task<SipIncomingOutcome> HandleAsync(SipIncomingCall call, string? verifiedTenantId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(call);
        var callId = SessionIdFor(call.CallId);
        // The call's trace starts here; the session stores it, so the media worker's sideband joins it.
        using var span = FunctionsTracing.StartCall(FunctionsTracing.IncomingCallSpan, callId, CallChannel.Sip, verifiedTenantId);
        try
        {
            var outcome = await HandleCallAsync(call, callId, verifiedTenantId, span, cancellationToken).ConfigureAwait(false);
            FunctionsTracing.SetResult(span, outcome.Result.ToString(), failed: outcome.Result == SipIncomingResult.Failed);
            return outcome;
        }
        catch (Exception e)
        {
            FunctionsTracing.SetFailed(span, e);
            throw;
        }
    }

    private async Task<SipIncomingOutcome> HandleCallAsync(
        SipIncomingCall call, string callId, string? verifiedTenantId, Activity? span, CancellationToken cancellationToken)
    {
        if (!_recent.TryAdd(call.WebhookId))
        {
            LogDuplicate(callId, "webhook-id already seen");
            return new SipIncomingOutcome(callId, call.CallId, SipIncomingResult.Duplicate, "webhook-id already seen");
        }

        // The tenant is the one whose webhook secret verified the delivery (the caller sets To, so To decides only where
        // the operator vouches for it); its concurrent-call limit is checked at the door, from session state, before this
        // call's own session exists. Calls of no tenant share the unrouted limit.
        var calledParty = SipCalledParty.Of(call.SipHeaders.GetFirst("To"));
        var admission = verifiedTenantId is null && _routing.RouteByCalledParty
            ? await _admission.AdmitAsync(calledParty, callId, cancellationToken).ConfigureAwait(false)
            : await _admission.AdmitTenantAsync(verifiedTenantId, callId, cancellationToken).ConfigureAwait(false);
        span?.SetTag(FunctionsTracing.TenantTag, admission.TenantId);
        // The call lives in the OpenAI project whose webhook announced it: control it with that project's key.
        var control = _controls?.For(verifiedTenantId) ?? _control;
        var now = _time.GetUtcNow();
        // This delivery's name on the session: a write of its own whose answer was lost is then known as its own, not
        // taken for another delivery's decision (which would leave the call unaccepted, ringing until OpenAI gives up).
        var decider = Guid.NewGuid().ToString("N");
        var session = new CallSession
        {
            CallId = callId,
            TenantId = admission.TenantId,
            Channel = CallChannel.Sip,
            State = CallState.Ringing,
            From = call.SipHeaders.GetFirst("From"),
            To = call.SipHeaders.GetFirst("To"),
            CorrelationId = call.CallId,
            CreatedAt = now,
            UpdatedAt = now,
            History = [new CallStateChange(CallState.Ringing, now, "realtime.call.incoming")],
            Metadata = SipSessionMetadata.From(call),
            TraceParent = FunctionsTracing.TraceParentOf(span),
        };
        session.Metadata[CallSessionClaims.DeciderKey] = decider;
        if (verifiedTenantId is not null)
        {
            session.Metadata[TenantRealtimeProjects.SessionMetadataKey] = verifiedTenantId;
        }

        // The agent is not a trust decision (the tenant above is), but To is still the caller's word: it picks the agent
        // only where the operator opted in to routing by it. The worker's sideband runs the agent the session records.
        var agentId = _routing.RouteByCalledParty ? AgentIdFor(calledParty) : null;
        if (agentId is not null)
        {
            session.Metadata[CallSessionAgent.MetadataKey] = agentId;
        }

        bool created;
        try
        {
            created = await _sessions.TryCreateAsync(session, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // Nothing was decided: let OpenAI's redelivery try again.
            _recent.Remove(call.WebhookId);
            throw;
        }

        if (!created)
        {
            var claim = await _sessions.ClaimUndecidedAsync(callId, _routing.UndecidedTakeoverAfter, _time.GetUtcNow(),
                s => s.Metadata[SipSessionMetadata.TakenOverBy] = call.WebhookId, decider, CancellationToken.None).ConfigureAwait(false);
            if (claim == UndecidedCallClaim.Decided)
            {
                LogDuplicate(callId, "call_id already has a session");
                return new SipIncomingOutcome(callId, call.CallId, SipIncomingResult.Duplicate, "call_id already has a session");
            }

            if (claim == UndecidedCallClaim.BeingDecided)
            {
                // Still undecided, and not long enough to think its decider dead: answer non-2xx so OpenAI comes back.
                _recent.Remove(call.WebhookId);
                LogInProgress(callId);
                return new SipIncomingOutcome(callId, call.CallId, SipIncomingResult.InProgress, "another delivery is deciding the call");
            }

            LogTakenOver(callId, (int)_routing.UndecidedTakeoverAfter.TotalSeconds);
        }

        try
        {
            return await DecideAsync(call, callId, decider, session, admission, control, agentId, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // The session stays Ringing: a redelivery (the id forgotten here, so it is not taken for a duplicate) finds it
            // undecided and takes the decision over once UndecidedTakeoverAfter has passed.
            _recent.Remove(call.WebhookId);
            throw;
        }
    }

    private async Task<SipIncomingOutcome> DecideAsync(
        SipIncomingCall call, string callId, string decider, CallSession session, IncomingCallAdmission admission, IRealtimeCallControl control, string? agentId,
        CancellationToken cancellationToken)
    {
        if (_logger.IsEnabled(LogLevel.Information))
        {
            var (from, to) = (PiiMasker.Mask(session.From), PiiMasker.Mask(session.To));
            LogRinging(callId, call.CallId, from, to, call.SipHeaders.Count);
            if (agentId is not null)
            {
                LogAgentRouted(callId, to, agentId);
            }
            else if (_routing.RouteByCalledParty && _agents is { PhoneRoutes.Count: > 0 })
            {
                LogDefaultAgent(callId, to);
            }
        }

        var decision = admission.Admitted
            ? _policy.Decide(call.SipHeaders)
            : SipCallDecision.Rejected(admission.SipStatusCode ?? SipRoutingOptions.BusyStatus, IncomingCallAdmission.CapacityReason);
        string? worker = null;
        if (decision.Accept && _routing.CheckWorkerCapacity)
        {
            var capacity = await _worker.CheckCapacityAsync(callId, cancellationToken).ConfigureAwait(false);
            if (!capacity.Ok)
            {
                decision = SipCallDecision.Rejected(SipRoutingOptions.BusyStatus, "no capacity: " + capacity.Detail);
            }

            worker = capacity.Worker;
        }

        // From here the decision is carried out, and storage is waited for as background work is, not given up at the
        // request's budget: a 503 after the move to Answering landed would leave the call decided and not accepted (the
        // redelivery takes it for another delivery's), and one after OpenAI was told of a reject would tell it again. Nor
        // is it tied to the request: OpenAI giving up on the webhook must not stop an accept half way (the call-control
        // client's own timeouts bound it).
        using (InteractiveStorageScope.Suspend())
        {
            return decision.Accept
                ? await CommitAndAcceptAsync(call, callId, decider, worker, control, agentId, CallOwner.Of(session), CancellationToken.None).ConfigureAwait(false)
                : await _answerer.RejectAsync(callId, call.CallId, decision, control, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task<SipIncomingOutcome> CommitAndAcceptAsync(
        SipIncomingCall call, string callId, string decider, string? worker, IRealtimeCallControl control, string? agentId, CallOwner owner,
        CancellationToken cancellationToken)
    {
        // Ringing → Answering is the decision's commit point: only the delivery whose write applied it accepts, so a
        // slow decider and a redelivery that took over from it never both accept.
        if (!await _answerer.CommitAsync(callId, decider).ConfigureAwait(false))
        {
            LogDuplicate(callId, "another delivery decided the call first");
            return new SipIncomingOutcome(callId, call.CallId, SipIncomingResult.Duplicate, "another delivery decided the call first");
        }

        return await _answerer.AcceptAsync(callId, call.CallId, worker, control, AgentOf(agentId), owner, cancellationToken).ConfigureAwait(false);
    }

    // The named agent whose PhoneNumbers list the called number; null (the default agent) when none does.
    private string? AgentIdFor(string? calledParty) => _agents?.PhoneRoutes.AgentFor(SipCalledParty.NumberOf(calledParty));

    private AgentOptions AgentOf(string? agentId) => agentId is not null && _agents is not null ? _agents.For(agentId) : _agent;

    [LoggerMessage(EventId = 3501, Level = LogLevel.Information, Message = "SIP call {CallId} ({SipCallId}) from {From} to {To} ({HeaderCount} SIP headers).")]
    private partial void LogRinging(string callId, string sipCallId, string? from, string? to, int headerCount);

    [LoggerMessage(EventId = 3502, Level = LogLevel.Information, Message = "SIP webhook for {CallId} ignored as a duplicate: {Reason}.")]
    private partial void LogDuplicate(string callId, string reason);

    [LoggerMessage(EventId = 3507, Level = LogLevel.Information, Message = "SIP webhook for {CallId} answered 503: another delivery is deciding the call.")]
    private partial void LogInProgress(string callId);

    [LoggerMessage(EventId = 3508, Level = LogLevel.Warning, Message = "SIP call {CallId} was left undecided for over {Seconds} s; this delivery takes the decision over.")]
    private partial void LogTakenOver(string callId, int seconds);

    [LoggerMessage(EventId = 9340, Level = LogLevel.Information, Message = "SIP call {CallId} to {To} runs agent '{AgentId}', whose PhoneNumbers list the number.")]
    private partial void LogAgentRouted(string callId, string? to, string agentId);

    [LoggerMessage(EventId = 9341, Level = LogLevel.Information, Message = "SIP call {CallId} to {To} runs the default agent: no agent's PhoneNumbers list the number.")]
    private partial void LogDefaultAgent(string callId, string? to);
}
