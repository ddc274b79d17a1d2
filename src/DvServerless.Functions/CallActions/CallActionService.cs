using Azure;
using DvServerless.Adapters.Acs;
using DvServerless.Adapters.CallActions;
using DvServerless.Core.Calls;
using DvServerless.Core.Privacy;
using DvServerless.Functions.CallCommands;
using Microsoft.Extensions.Options;

namespace DvServerless.Functions.CallActions;

/// <summary>
/// Carries out the media worker's requests on ACS calls (<see cref="CallActionMessage"/>): looks the call up, checks that
/// the request is for the call's own tenant and that the call is an answered ACS call, and hangs it up (<c>:terminate</c>)
/// or transfers it (<c>:transferToParticipant</c>) to this app's <c>Acs:TransferTarget</c>, never a number from the message.
/// A transfer that cannot happen (refused here, or ACS still failing on the last delivery, <see cref="GiveUpAsync"/>) is
/// told to the agent of the live call (<see cref="CallAgentNotes"/>), which the transfer tool had told "being transferred".
/// </summary>
public sealed partial class CallActionService
{
    private readonly ICallSessionStore _sessions;
    private readonly ICallAutomationClient _acs;
    private readonly IOptions<AcsOptions> _options;
    private readonly ILogger<CallActionService> _logger;
    private readonly CallAgentNotes? _notes;

    /// <summary>The <c>operationContext</c> of the agent's transfers: their ACS callbacks carry it back.</summary>
    public const string TransferOperationContext = "agent-transfer";

    /// <summary>Creates the service; without <paramref name="notes"/> nobody tells the agent when its transfer does not happen.</summary>
    public CallActionService(ICallSessionStore sessions, ICallAutomationClient acs, IOptions<AcsOptions> options, ILogger<CallActionService> logger,
        CallAgentNotes? notes = null)
    {
        _sessions = sessions;
        _acs = acs;
        _options = options;
        _logger = logger;
        _notes = notes;
    }

    /// <summary>Carries out <paramref name="action"/>; a refusal is logged with its reason and changes nothing.</summary>
    public async Task<CallActionOutcome> ExecuteAsync(CallActionMessage action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(action);
        var session = await _sessions.GetAsync(action.CallId, cancellationToken).ConfigureAwait(false);
        var refusal = Check(action, session);
        if (refusal is { } refused)
        {
            LogRefused(action.CallId, action.Action, refused);
            if (refused != CallActionOutcome.TenantMismatch)
            {
                // A request for another tenant's call changes nothing there, not even a note to its agent.
                await TellTransferNotDoneAsync(action, session, TransferNotes.NotPossible, cancellationToken).ConfigureAwait(false);
            }

            return refused;
        }

        var connection = session!.CallConnectionId!;
        try
        {
            if (action.Action == CallActionKind.HangUp)
            {
                await _acs.TerminateCallAsync(connection, cancellationToken).ConfigureAwait(false);
                LogHungUp(action.CallId, action.Reason ?? "no reason given");
            }
            else
            {
                var target = _options.Value.TransferTarget!.Trim();
                await _acs.TransferToParticipantAsync(connection, target, operationContext: TransferOperationContext, cancellationToken).ConfigureAwait(false);
                var masked = PiiMasker.Mask(target);
                LogTransferred(action.CallId, masked);
            }

            return CallActionOutcome.Done;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // The call ended meanwhile: what a hang-up wanted, and nobody is left to transfer. Trying again cannot help.
            // (ACS may know the call connection no more while the session still says Connected: the agent is told if live.)
            LogRefused(action.CallId, action.Action, CallActionOutcome.NoConnection);
            await TellTransferNotDoneAsync(action, session, TransferNotes.NotPossible, cancellationToken).ConfigureAwait(false);
            return CallActionOutcome.NoConnection;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogFailed(e, action.CallId, action.Action);
            return CallActionOutcome.Failed;
        }
    }

    /// <summary>
    /// The last delivery of <paramref name="action"/> failed too (ACS kept answering errors): nothing will try again, so a
    /// transfer's agent is told it did not happen, instead of waiting with the caller for a transfer that never comes.
    /// </summary>
    public async Task GiveUpAsync(CallActionMessage action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(action);
        LogGaveUp(action.CallId, action.Action);
        if (action.Action == CallActionKind.Transfer)
        {
            var session = await _sessions.GetAsync(action.CallId, cancellationToken).ConfigureAwait(false);
            await TellTransferNotDoneAsync(action, session, TransferNotes.Failed, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task TellTransferNotDoneAsync(CallActionMessage action, CallSession? session, string note, CancellationToken cancellationToken)
    {
        // Only the call the request named, and only for a transfer: a refused hang-up has no agent waiting on it.
        if (action.Action == CallActionKind.Transfer && session is not null && _notes is not null)
        {
            await _notes.TellAsync(session, note, cancellationToken).ConfigureAwait(false);
        }
    }

    private CallActionOutcome? Check(CallActionMessage action, CallSession? session) => session switch
    {
        null => CallActionOutcome.UnknownCall,
        // Tenant-safe: a worker acts only on a call of the tenant it ran it for (both null for a call with no tenant).
        _ when !string.Equals(session.TenantId, action.TenantId, StringComparison.Ordinal) => CallActionOutcome.TenantMismatch,
        { Channel: not CallChannel.Acs } => CallActionOutcome.NotAcs,
        { CallConnectionId: null or "" } => CallActionOutcome.NoConnection,
        // A hang-up goes to ACS even when the session already says Ended: the worker ends its own bookkeeping right after
        // asking (WorkerCallEnd), usually before this runs, while the ACS call is still up. ACS answers 404 if it is gone.
        _ when action.Action == CallActionKind.Transfer && CallStateMachine.IsFinal(session.State) => CallActionOutcome.NoConnection,
        _ when action.Action == CallActionKind.Transfer && string.IsNullOrWhiteSpace(_options.Value.TransferTarget) => CallActionOutcome.NoTransferTarget,
        _ => null,
    };

    [LoggerMessage(EventId = 9420, Level = LogLevel.Information, Message = "Call {CallId}: hung up through ACS at the media worker's request ({Reason})")]
    private partial void LogHungUp(string callId, string reason);

    [LoggerMessage(EventId = 9421, Level = LogLevel.Information, Message = "Call {CallId}: transferred through ACS to {Target} at the media worker's request")]
    private partial void LogTransferred(string callId, string target);

    [LoggerMessage(EventId = 9422, Level = LogLevel.Warning, Message = "Call {CallId}: {Action} requested by the media worker refused ({Outcome}); nothing changed")]
    private partial void LogRefused(string callId, CallActionKind action, CallActionOutcome outcome);

    [LoggerMessage(EventId = 9495, Level = LogLevel.Error, Message = "Call {CallId}: {Action} through ACS failed on every delivery; given up")]
    private partial void LogGaveUp(string callId, CallActionKind action);

    [LoggerMessage(EventId = 9423, Level = LogLevel.Warning, Message = "Call {CallId}: {Action} through ACS failed; the request comes back after the queue's visibility timeout, until it is poison")]
    private partial void LogFailed(Exception exception, string callId, CallActionKind action);
}
