using System.Diagnostics;
using DvServerless.Adapters.Acs;
using DvServerless.Adapters.Acs.Events;
using DvServerless.Adapters.Engines;
using DvServerless.Adapters.Storage;
using DvServerless.Core.Calls;
using DvServerless.Core.Engines;
using DvServerless.Core.Security;
using DvServerless.Functions.Hosting;
using DvServerless.Core.Privacy;
using DvServerless.Functions.Telemetry;
using DvServerless.Functions.Tenants;
using Microsoft.Extensions.Options;

namespace DvServerless.Functions.Calls;

/// <summary>
/// Decides what happens to an incoming ACS call: creates its session exactly once (so a redelivered or concurrently
/// delivered IncomingCall is answered once), answers it with bidirectional media streaming pointed at the media
/// worker with a per-call token, and records the outcome in the session. A call whose session was left <c>Ringing</c>
/// (the deciding instance failed or died) is answered by a redelivery after
/// <see cref="FunctionsOptions.UndecidedTakeoverAfter"/>; until then redeliveries get <see cref="IncomingCallResult.InProgress"/>.
/// </summary>
public sealed partial class IncomingCallService
{
    private readonly ICallSessionStore _sessions;
    private readonly ICallAutomationClient _acs;
    private readonly MediaTokenService _tokens;
    private readonly FunctionsOptions _functions;
    private readonly MediaWorkerOptions _mediaWorker;
    private readonly MediaWorkerPool _workers;
    private readonly AcsOptions _answer;
    private readonly TimeProvider _time;
    private readonly ILogger<IncomingCallService> _logger;
    private readonly ICallAdmissionPolicy _admission;
    private readonly AgentPhoneRoutes _agentRoutes;

    /// <summary>Creates the service.</summary>
    public IncomingCallService(
        ICallSessionStore sessions,
        ICallAutomationClient acs,
        MediaTokenService tokens,
        IOptions<FunctionsOptions> functions,
        IOptions<MediaWorkerOptions> mediaWorker,
        IOptions<AcsOptions> answer,
        TimeProvider time,
        ILogger<IncomingCallService> logger,
        ICallAdmissionPolicy? admission = null,
        MediaWorkerPool? workers = null,
        AgentCatalog? agents = null)
    {
        _sessions = sessions;
        _acs = acs;
        _tokens = tokens;
        _functions = functions.Value;
        _mediaWorker = mediaWorker.Value;
        _workers = workers ?? new MediaWorkerPool(mediaWorker);
        _answer = answer.Value;
        _time = time;
        _logger = logger;
        _admission = admission ?? AdmitAllCallsPolicy.Instance;
        _agentRoutes = agents?.PhoneRoutes ?? AgentPhoneRoutes.None;
    }

    /// <summary>Handles one IncomingCall event.</summary>
    public async Task<IncomingCallOutcome> HandleAsync(IncomingCallNotification notification, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var callId = CallIdDerivation.From(notification);
        // The call's trace starts here; the session stores it, so the callbacks and the media worker join it.
        using var span = FunctionsTracing.StartCall(FunctionsTracing.IncomingCallSpan, callId, CallChannel.Acs);
        try
        {
            var outcome = await DecideAsync(notification, callId, span, cancellationToken).ConfigureAwait(false);
            FunctionsTracing.SetResult(span, outcome.Result.ToString(), failed: outcome.Result == IncomingCallResult.Failed);
            return outcome;
        }
        catch (Exception e)
        {
            FunctionsTracing.SetFailed(span, e);
            throw;
        }
    }

    private async Task<IncomingCallOutcome> DecideAsync(IncomingCallNotification notification, string callId, Activity? span, CancellationToken cancellationToken)
    {
        // Tenant and capacity are decided before the session exists, so the new call does not count against itself.
        var admission = await _admission.AdmitAsync(notification.ToRawId, callId, cancellationToken).ConfigureAwait(false);
        span?.SetTag(FunctionsTracing.TenantTag, admission.TenantId);
        var now = _time.GetUtcNow();
        // This delivery's name on the session: a write of its own whose answer was lost is then known as its own.
        var decider = Guid.NewGuid().ToString("N");
        var session = new CallSession
        {
            CallId = callId,
            TenantId = admission.TenantId,
            Channel = CallChannel.Acs,
            State = CallState.Ringing,
            From = notification.FromRawId,
            To = notification.ToRawId,
            ServerCallId = notification.ServerCallId,
            CorrelationId = notification.CorrelationId,
            CreatedAt = now,
            UpdatedAt = now,
            History = [new CallStateChange(CallState.Ringing, now, null)],
            TraceParent = FunctionsTracing.TraceParentOf(span),
            Metadata = { [CallSessionClaims.DeciderKey] = decider },
        };

        // The called number picks the agent (Agents:{id}:PhoneNumbers), after admission has picked the tenant from the
        // same number; the worker starts the call with the agent the session records. No match: the default agent.
        var agentId = _agentRoutes.AgentFor(notification.ToRawId);
        if (agentId is not null)
        {
            session.Metadata[CallSessionAgent.MetadataKey] = agentId;
        }

        // The conditional create is the gate: whoever creates the session answers. A delivery that finds the session
        // decided stops here; one that finds it left Ringing (its creator failed or died) waits, then takes it over.
        if (!await _sessions.TryCreateAsync(session, cancellationToken).ConfigureAwait(false))
        {
            var claim = await _sessions.ClaimUndecidedAsync(callId, _functions.UndecidedTakeoverAfter, _time.GetUtcNow(), cancellationToken: CancellationToken.None,
                decider: decider).ConfigureAwait(false);
            if (claim == UndecidedCallClaim.Decided)
            {
                LogDuplicate(callId);
                return new IncomingCallOutcome(callId, IncomingCallResult.Duplicate);
            }

            if (claim == UndecidedCallClaim.BeingDecided)
            {
                LogInProgress(callId);
                return new IncomingCallOutcome(callId, IncomingCallResult.InProgress);
            }

            if (claim == UndecidedCallClaim.TakenOver)
            {
                LogTakenOver(callId, (int)_functions.UndecidedTakeoverAfter.TotalSeconds);
            }
        }

        if (_logger.IsEnabled(LogLevel.Information))
        {
            var (from, to) = (PiiMasker.Mask(notification.FromRawId), PiiMasker.Mask(notification.ToRawId));
            LogRinging(callId, from, to);
            if (agentId is not null)
            {
                LogAgentRouted(callId, to, agentId);
            }
        }

        if (agentId is null && _agentRoutes.Count > 0)
        {
            // Agents are routed by number here, and this one names none: most likely a number missing from an agent's
            // PhoneNumbers. The call still runs (the default agent beats a dropped call), but the operator should know.
            LogDefaultAgent(callId, PiiMasker.Mask(notification.ToRawId));
        }

        // From here the decision is carried out, and storage is waited for as background work is, not given up at the
        // request's budget: a 503 after the move to Answering landed would leave the call decided and unanswered (the
        // redelivery takes it for another delivery's), and one after a reject would leave the session ringing. Nor is it
        // tied to the request: Event Grid giving up on the delivery must not stop an answer half way (the ACS client's
        // own timeouts bound it).
        using (InteractiveStorageScope.Suspend())
        {
            return admission.Admitted
                ? await CommitAndAnswerAsync(notification, callId, decider, new CallOwner(admission.TenantId, agentId), CancellationToken.None).ConfigureAwait(false)
                : await RejectForCapacityAsync(callId, notification, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task<IncomingCallOutcome> CommitAndAnswerAsync(IncomingCallNotification notification, string callId, string decider, CallOwner owner,
        CancellationToken cancellationToken)
    {
        // Ringing → Answering is the commit point: only the delivery whose write applied it answers, so a slow creator
        // and a redelivery that took over from it never both answer.
        // Tried again while storage fails: the delivery that committed is the only one that will ever answer the call.
        if (!await _sessions.CommitAsync(callId, _time.GetUtcNow(), null, decider, failed: (attempt, e) => LogCommitRetried(callId, attempt, e.GetType().Name, e.Message),
                cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            LogDuplicate(callId);
            return new IncomingCallOutcome(callId, IncomingCallResult.Duplicate);
        }

        CallConnectionProperties connection;
        try
        {
            connection = await _acs.AnswerCallAsync(
                new AnswerCallRequest(notification.IncomingCallContext, BuildCallbackUri(callId))
                {
                    MediaTransportUrl = BuildMediaTransportUrl(callId, owner),
                    AudioFormat = _answer.AudioFormat,
                    // Keys the caller presses arrive on the media socket (DtmfData) for the agent to act on.
                    EnableDtmfTones = true,
                    OperationContext = callId,
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var reason = "Answer failed: " + e.Message;
            LogAnswerFailed(callId, e.GetType().Name, e.Message);
            // Not tied to the request: the failure must be recorded even if the caller gave up waiting.
            await _sessions.UpdateAsync(callId, s => CallStateMachine.TryMoveTo(s, CallState.Failed, _time.GetUtcNow(), reason) == CallTransitionResult.Applied, CancellationToken.None)
                .ConfigureAwait(false);
            return new IncomingCallOutcome(callId, IncomingCallResult.Failed);
        }

        try
        {
            await _sessions.UpdateAsync(
                callId,
                s =>
                {
                    // CallConnected may have arrived (and set the id) before this write; never overwrite a different id.
                    if (s.CallConnectionId is not null)
                    {
                        return false;
                    }

                    s.CallConnectionId = connection.CallConnectionId;
                    s.UpdatedAt = _time.GetUtcNow();
                    return true;
                },
                CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // The call is answered: a 503 now would only bring a redelivery that finds it decided. CallConnected records
            // the connection when it comes.
            LogConnectionNotRecorded(callId, connection.CallConnectionId, e.GetType().Name, e.Message);
        }

        LogAnswered(callId, connection.CallConnectionId);
        return new IncomingCallOutcome(callId, IncomingCallResult.Answered, connection.CallConnectionId);
    }

    private async Task<IncomingCallOutcome> RejectForCapacityAsync(string callId, IncomingCallNotification notification, CancellationToken cancellationToken)
    {
        try
        {
            await _acs.RejectCallAsync(notification.IncomingCallContext, CallRejectReason.Busy, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The call stays refused either way: unanswered, ACS gives up on it.
            LogRejectFailed(callId, e.GetType().Name, e.Message);
        }

        await _sessions.UpdateAsync(callId, s => CallStateMachine.TryMoveTo(s, CallState.Failed, _time.GetUtcNow(), IncomingCallAdmission.CapacityReason) == CallTransitionResult.Applied, CancellationToken.None)
            .ConfigureAwait(false);
        return new IncomingCallOutcome(callId, IncomingCallResult.Rejected);
    }

    /// <summary>
    /// <c>{PublicBaseUrl}/api/acs/callbacks/{callId}</c>, with no key in it: ACS signs every callback with a JWT, and a key
    /// in a URL that ACS keeps would be a credential stored outside the app.
    /// </summary>
    public Uri BuildCallbackUri(string callId)
    {
        var builder = new UriBuilder(_functions.PublicBaseUrl);
        builder.Path = builder.Path.TrimEnd('/') + "/" + FunctionRouteTable.Prefix + "/acs/callbacks/" + Uri.EscapeDataString(callId);
        builder.Query = string.Empty;
        builder.Fragment = string.Empty;
        return builder.Uri;
    }

    /// <summary>
    /// <c>ws(s)://{MediaWorker host}/media/acs?callId={callId}&amp;token={token}</c>, on the call's worker of the
    /// <see cref="MediaWorkerPool"/>; the token carries <paramref name="owner"/> (the call's tenant and agent).
    /// </summary>
    public Uri BuildMediaTransportUrl(string callId, CallOwner owner = default)
    {
        var worker = _workers.For(callId);
        var builder = new UriBuilder(worker)
        {
            Scheme = worker.Scheme == Uri.UriSchemeHttps ? "wss" : "ws",
        };
        if (builder.Uri.IsDefaultPort)
        {
            builder.Port = -1;
        }

        builder.Path = builder.Path.TrimEnd('/') + "/media/acs";
        var token = _tokens.Issue(callId, _mediaWorker.TokenLifetime, MediaTokenPurpose.AcsMedia, owner);
        builder.Query = "callId=" + Uri.EscapeDataString(callId) + "&token=" + Uri.EscapeDataString(token);
        builder.Fragment = string.Empty;
        return builder.Uri;
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Incoming call {CallId} from {From} to {To}.")]
    private partial void LogRinging(string callId, string? from, string? to);

    [LoggerMessage(EventId = 9320, Level = LogLevel.Information, Message = "Call {CallId} to {To} runs agent '{AgentId}', whose PhoneNumbers list the number.")]
    private partial void LogAgentRouted(string callId, string? to, string agentId);

    [LoggerMessage(EventId = 9452, Level = LogLevel.Warning, Message = "Call {CallId} to {To} runs the default agent: no agent's PhoneNumbers list the number.")]
    private partial void LogDefaultAgent(string callId, string? to);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "IncomingCall for {CallId} was already handled; not answering again.")]
    private partial void LogDuplicate(string callId);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Information, Message = "IncomingCall for {CallId} arrived while another delivery decides the call; answering 503 so that it comes back.")]
    private partial void LogInProgress(string callId);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Warning, Message = "Call {CallId} was left unanswered for over {Seconds} s; this delivery takes the answer over.")]
    private partial void LogTakenOver(string callId, int seconds);

    [LoggerMessage(EventId = 3013, Level = LogLevel.Warning,
        Message = "Call {CallId}: the answer's commit failed on try {Attempt} ({ErrorType}: {ErrorMessage}); trying it again, as only this delivery may answer.")]
    private partial void LogCommitRetried(string callId, int attempt, string errorType, string errorMessage);

    [LoggerMessage(EventId = 3014, Level = LogLevel.Warning,
        Message = "Call {CallId} is answered (call connection {CallConnectionId}) but the session could not record it ({ErrorType}: {ErrorMessage}); CallConnected records it.")]
    private partial void LogConnectionNotRecorded(string callId, string callConnectionId, string errorType, string errorMessage);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Information, Message = "Answered call {CallId} (call connection {CallConnectionId}).")]
    private partial void LogAnswered(string callId, string callConnectionId);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Error, Message = "Answering call {CallId} failed ({ErrorType}): {ErrorMessage}")]
    private partial void LogAnswerFailed(string callId, string errorType, string errorMessage);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Warning, Message = "Rejecting call {CallId} (tenant at capacity) failed ({ErrorType}): {ErrorMessage}")]
    private partial void LogRejectFailed(string callId, string errorType, string errorMessage);
}
