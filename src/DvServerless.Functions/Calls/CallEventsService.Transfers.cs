using DvServerless.Adapters.Acs.Events;
using DvServerless.Core.Calls;
using DvServerless.Core.Privacy;
using DvServerless.Functions.CallActions;
using DvServerless.Functions.CallCommands;

namespace DvServerless.Functions.Calls;

// The outcome of the agent's transfer (CallActionService asked ACS for it, with TransferOperationContext): a failed one is
// told to the agent, so it apologises and carries on with the caller; an accepted one is written on the session, whose end
// reason then says the caller went to a person (ACS disconnects the agent's leg right after: CallDisconnected ends it).
public sealed partial class CallEventsService
{
    /// <summary>The session metadata key holding when a transfer of the call was accepted (ISO 8601).</summary>
    public const string TransferredAtMetadataKey = "transferredAt";

    /// <summary>The session's end reason once its caller was transferred.</summary>
    public const string TransferredEndReason = "Transferred to a person: the caller left the agent (CallTransferAccepted).";

    // The CloudEvent id of the last CallTransferFailed told to the agent: a redelivery tells it nothing new.
    private const string TransferFailedMetadataKey = "transferFailedEventId";

    private async Task<CallEventResult?> ApplyTransferFailedAsync(string callId, CallAutomationEvent callEvent, CancellationToken cancellationToken)
    {
        if (!IsAgentTransfer(callId, callEvent))
        {
            return CallEventResult.Ignored;
        }

        var result = CallEventResult.Applied;
        var stored = await _sessions.UpdateAsync(callId, session =>
        {
            result = Check(session, callEvent);
            if (result != CallEventResult.Applied)
            {
                return false;
            }

            if (callEvent.EventId is { Length: > 0 } eventId)
            {
                if (session.Metadata.TryGetValue(TransferFailedMetadataKey, out var told) && told == eventId)
                {
                    result = CallEventResult.Duplicate;
                    return false;
                }

                session.Metadata[TransferFailedMetadataKey] = eventId;
                return true;
            }

            return false;
        }, cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            return null;
        }

        if (result == CallEventResult.Applied)
        {
            // ACS's message can name the target: masked like every number in the logs.
            LogTransferFailed(callId, callEvent.ResultCode, callEvent.ResultSubCode, PiiMasker.Mask(callEvent.ResultMessage) ?? "no message");
            if (_notes is not null)
            {
                await _notes.TellAsync(stored, TransferNotes.Failed, cancellationToken).ConfigureAwait(false);
            }
        }

        LogTransferResult(callId, "CallTransferFailed", result);
        return result;
    }

    private async Task<CallEventResult?> ApplyTransferAcceptedAsync(string callId, CallAutomationEvent callEvent, CancellationToken cancellationToken)
    {
        if (!IsAgentTransfer(callId, callEvent))
        {
            return CallEventResult.Ignored;
        }

        var result = CallEventResult.Applied;
        var now = _time.GetUtcNow();
        var stored = await _sessions.UpdateAsync(callId, session =>
        {
            result = Check(session, callEvent);
            if (result == CallEventResult.Applied && session.Metadata.ContainsKey(TransferredAtMetadataKey))
            {
                result = CallEventResult.Duplicate;
            }

            if (result != CallEventResult.Applied)
            {
                return false;
            }

            session.Metadata[TransferredAtMetadataKey] = now.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
            // Set before the disconnect that follows, whose move to Ended keeps an end reason already there; if the
            // disconnect came first, the transfer is still the truer reason.
            session.EndReason = TransferredEndReason;
            session.UpdatedAt = now;
            return true;
        }, cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            return null;
        }

        if (result == CallEventResult.Applied)
        {
            LogTransferAccepted(callId);
        }

        LogTransferResult(callId, "CallTransferAccepted", result);
        return result;
    }

    /// <summary>Whether the event is about the agent's transfer (another app's transfer on the resource is not ours to report).</summary>
    private bool IsAgentTransfer(string callId, CallAutomationEvent callEvent)
    {
        if (callEvent.OperationContext is null || callEvent.OperationContext == CallActionService.TransferOperationContext)
        {
            return true;
        }

        LogIgnoredEvent(callId, callEvent.Type);
        return false;
    }

    private static CallEventResult Check(CallSession session, CallAutomationEvent callEvent) =>
        IsForAnotherConnection(session, callEvent) ? CallEventResult.Mismatched : CallEventResult.Applied;

    private void LogTransferResult(string callId, string type, CallEventResult result)
    {
        switch (result)
        {
            case CallEventResult.Duplicate:
                LogDuplicate(callId, type);
                break;
            case CallEventResult.Mismatched:
                LogMismatched(callId, type);
                break;
        }
    }

    [LoggerMessage(EventId = 9496, Level = LogLevel.Warning, Message = "Call {CallId}: the transfer failed at ACS ({ResultCode}/{ResultSubCode}): {ResultMessage}")]
    private partial void LogTransferFailed(string callId, int? resultCode, int? resultSubCode, string resultMessage);

    [LoggerMessage(EventId = 9497, Level = LogLevel.Information, Message = "Call {CallId}: the transfer was accepted; the caller left the agent for a person")]
    private partial void LogTransferAccepted(string callId);
}
