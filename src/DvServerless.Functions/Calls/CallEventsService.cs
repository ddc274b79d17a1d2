using DvServerless.Adapters.Acs.Events;
using DvServerless.Adapters.Storage;
using DvServerless.Core.Calls;
using DvServerless.Functions.Telemetry;

namespace DvServerless.Functions.Calls;

/// <summary>
/// Applies Call Automation callbacks to a call's session: CallConnected → Connected; CallDisconnected → Ended;
/// AnswerFailed, CreateCallFailed, ConnectFailed → Failed; MediaStreamingFailed → Failed too (the agent can no longer
/// hear or reach the caller: the worker died or its socket dropped), ending the call's bookkeeping as CallDisconnected
/// does (minutes, the tenant's concurrent-call slot), and the CallDisconnected that follows it changes nothing;
/// CallTransferFailed tells the live call's agent its transfer failed, CallTransferAccepted records that the caller was
/// transferred (<c>CallEventsService.Transfers.cs</c>); other types are ignored.
/// Redeliveries are no-ops, and events that name another call connection than the session's are ignored.
/// </summary>
public sealed partial class CallEventsService
{
    private const string TypePrefix = "Microsoft.Communication.";

    private readonly ICallSessionStore _sessions;
    private readonly TimeProvider _time;
    private readonly ILogger<CallEventsService> _logger;
    private readonly IReadOnlyList<Records.ICallEndedHandler> _endedHandlers;
    private readonly CallCommands.CallAgentNotes? _notes;

    /// <summary>
    /// Creates the service; <paramref name="endedHandlers"/> run when CallDisconnected ends a call (minutes),
    /// <paramref name="notes"/> tells an agent that its transfer failed (without it, nobody does).
    /// </summary>
    public CallEventsService(ICallSessionStore sessions, TimeProvider time, ILogger<CallEventsService> logger, IEnumerable<Records.ICallEndedHandler>? endedHandlers = null,
        CallCommands.CallAgentNotes? notes = null)
    {
        _sessions = sessions;
        _time = time;
        _logger = logger;
        _endedHandlers = endedHandlers?.ToArray() ?? [];
        _notes = notes;
    }

    /// <summary>Applies <paramref name="events"/>, in order, to call <paramref name="callId"/>.</summary>
    public async Task<CallEventsOutcome> ApplyAsync(string callId, IReadOnlyList<CallAutomationEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (!CallIdFormat.IsValid(callId) || await _sessions.GetAsync(callId, cancellationToken).ConfigureAwait(false) is not { } session)
        {
            LogUnknownCall(CallIdFormat.IsValid(callId) ? callId : "(invalid id)");
            return CallEventsOutcome.NotFound;
        }

        var results = new List<CallEventResult>(events.Count);
        foreach (var callEvent in events)
        {
            // Each event is a span of the call's own trace (the session's), linked to the callback request that carried it.
            using var span = FunctionsTracing.StartForSession(FunctionsTracing.CallEventSpan, session);
            span?.SetTag(FunctionsTracing.EventTypeTag, EventType(callEvent));
            var result = await ApplyOneAsync(callId, callEvent, cancellationToken).ConfigureAwait(false);
            if (result is null)
            {
                // The session vanished between events; report what was done so far as "not found".
                FunctionsTracing.SetResult(span, "NotFound");
                return CallEventsOutcome.NotFound;
            }

            FunctionsTracing.SetResult(span, result.Value.ToString());
            results.Add(result.Value);
        }

        return new CallEventsOutcome(true, results);
    }

    private async Task<CallEventResult?> ApplyOneAsync(string callId, CallAutomationEvent callEvent, CancellationToken cancellationToken)
    {
        var type = EventType(callEvent);
        CallState target;
        string? reason;
        switch (type)
        {
            case "CallConnected":
                target = CallState.Connected;
                reason = null;
                break;
            case "CallDisconnected":
                target = CallState.Ended;
                reason = callEvent.ResultMessage ?? "Call disconnected.";
                break;
            case "AnswerFailed" or "CreateCallFailed" or "ConnectFailed":
                target = CallState.Failed;
                reason = callEvent.ResultMessage ?? type;
                break;
            case "CallTransferFailed":
                return await ApplyTransferFailedAsync(callId, callEvent, cancellationToken).ConfigureAwait(false);
            case "CallTransferAccepted":
                return await ApplyTransferAcceptedAsync(callId, callEvent, cancellationToken).ConfigureAwait(false);
            case "MediaStreamingFailed":
                LogMediaStreamingFailed(callId, callEvent.ResultCode, callEvent.ResultSubCode, callEvent.ResultMessage);
                target = CallState.Failed;
                reason = "Media streaming failed: " + (callEvent.ResultMessage ?? "no reason given");
                break;
            default:
                LogIgnoredEvent(callId, type);
                return CallEventResult.Ignored;
        }

        CallEventResult result = CallEventResult.Ignored;
        var stored = await _sessions.UpdateAsync(
            callId,
            session =>
            {
                if (IsForAnotherConnection(session, callEvent))
                {
                    result = CallEventResult.Mismatched;
                    return false;
                }

                if (target == CallState.Ended && session.State == CallState.Failed)
                {
                    // The call already failed (its media was lost) and its end was handled then: the disconnect that
                    // follows is the same end, not a move.
                    result = CallEventResult.Duplicate;
                    return false;
                }

                var adoptId = session.CallConnectionId is null && callEvent.CallConnectionId is not null;
                var moved = CallStateMachine.TryMoveTo(session, target, _time.GetUtcNow(), reason);
                result = moved switch
                {
                    CallTransitionResult.Applied => CallEventResult.Applied,
                    CallTransitionResult.AlreadyThere => CallEventResult.Duplicate,
                    _ => CallEventResult.Illegal,
                };

                // CallConnected can beat the answer's own write of the id; the first event that names it supplies it.
                if (adoptId && moved == CallTransitionResult.Applied)
                {
                    session.CallConnectionId = callEvent.CallConnectionId;
                }

                return moved == CallTransitionResult.Applied;
            },
            cancellationToken).ConfigureAwait(false);

        if (stored is null)
        {
            return null;
        }

        // A redelivered CallDisconnected runs the handlers again: they are idempotent, and it retries a failed render. A
        // call whose media failed ends there: its transcript so far gets its minutes.
        var ends = target == CallState.Ended || type == "MediaStreamingFailed";
        if (ends && result is CallEventResult.Applied or CallEventResult.Duplicate)
        {
            await Records.CallEndedHandlers.RunAsync(_endedHandlers, stored, _logger, cancellationToken).ConfigureAwait(false);
        }

        switch (result)
        {
            case CallEventResult.Applied:
                LogApplied(callId, type, target);
                break;
            case CallEventResult.Duplicate:
                LogDuplicate(callId, type);
                break;
            case CallEventResult.Mismatched:
                LogMismatched(callId, type);
                break;
            case CallEventResult.Illegal:
                LogIllegal(callId, type, stored.State);
                break;
        }

        return result;
    }

    private static string EventType(CallAutomationEvent callEvent) =>
        callEvent.Type.StartsWith(TypePrefix, StringComparison.Ordinal) ? callEvent.Type[TypePrefix.Length..] : callEvent.Type;

    /// <summary>
    /// Whether the event comes from a call connection other than the session's (a stale or misrouted callback); an event
    /// or a session that names none is taken as the session's own.
    /// </summary>
    private static bool IsForAnotherConnection(CallSession session, CallAutomationEvent callEvent) =>
        session.CallConnectionId is not null && callEvent.CallConnectionId is not null
        && !string.Equals(session.CallConnectionId, callEvent.CallConnectionId, StringComparison.Ordinal);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Warning, Message = "Callback for unknown call {CallId}.")]
    private partial void LogUnknownCall(string callId);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Information, Message = "Call {CallId}: {EventType} moved the session to {State}.")]
    private partial void LogApplied(string callId, string eventType, CallState state);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Debug, Message = "Call {CallId}: {EventType} was already applied.")]
    private partial void LogDuplicate(string callId, string eventType);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Warning, Message = "Call {CallId}: ignored {EventType} for another call connection.")]
    private partial void LogMismatched(string callId, string eventType);

    [LoggerMessage(EventId = 3105, Level = LogLevel.Information, Message = "Call {CallId}: ignored {EventType}, not a legal move from {State}.")]
    private partial void LogIllegal(string callId, string eventType, CallState state);

    [LoggerMessage(EventId = 3106, Level = LogLevel.Debug, Message = "Call {CallId}: {EventType} needs no action.")]
    private partial void LogIgnoredEvent(string callId, string eventType);

    [LoggerMessage(EventId = 3107, Level = LogLevel.Warning, Message = "Call {CallId}: media streaming failed ({ResultCode}/{ResultSubCode}): {ResultMessage}")]
    private partial void LogMediaStreamingFailed(string callId, int? resultCode, int? resultSubCode, string? resultMessage);
}
