using DvServerless.Adapters.CallActions;
using DvServerless.Core.Calls;
using Microsoft.Extensions.Logging;

namespace DvServerless.MediaWorker.Calls;

/// <summary>
/// <see cref="ICallControl"/> for ACS calls without ACS access: the hang-up and the transfer are asked of the Functions
/// app on queue <see cref="CallActionQueueDefaults.Name"/>, and it acts through Call Automation with its own identity and its own
/// transfer target. ACS grants Call Automation only through roles that include <c>listKeys</c>, so the worker holding
/// none keeps the ACS access key out of its reach. Browser and SIP calls have no ACS connection: their leg closing ends
/// them, as before.
/// </summary>
/// <remarks>
/// A transfer answers true once it is requested, not once ACS accepted it: the Functions app carries it out moments
/// later, and a refusal (no target configured there, the call gone) is in its log.
/// </remarks>
public sealed partial class QueuedAcsCallControl : ICallControl
{
    private readonly ICallActionSender _actions;
    private readonly ICallSessionStore _sessions;
    private readonly ILogger<QueuedAcsCallControl> _logger;

    /// <summary>Creates the control.</summary>
    public QueuedAcsCallControl(ICallActionSender actions, ICallSessionStore sessions, ILogger<QueuedAcsCallControl> logger)
    {
        _actions = actions;
        _sessions = sessions;
        _logger = logger;
    }

    /// <inheritdoc />
    public async ValueTask HangUpAsync(string callId, string reason, CancellationToken cancellationToken)
    {
        if (await RequestAsync(callId, CallActionKind.HangUp, reason, cancellationToken).ConfigureAwait(false))
        {
            LogHangUpRequested(callId, reason);
        }
    }

    /// <inheritdoc />
    /// <remarks><paramref name="target"/> is ignored: the Functions app transfers to the target it is configured with.</remarks>
    public async ValueTask<bool> TransferAsync(string callId, string? target, CancellationToken cancellationToken)
    {
        try
        {
            if (!await RequestAsync(callId, CallActionKind.Transfer, "transfer tool", cancellationToken).ConfigureAwait(false))
            {
                return false;
            }

            LogTransferRequested(callId);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogRequestFailed(ex, callId, "transfer");
            return false;
        }
    }

    private async Task<bool> RequestAsync(string callId, CallActionKind action, string reason, CancellationToken cancellationToken)
    {
        var session = await _sessions.GetAsync(callId, cancellationToken).ConfigureAwait(false);
        if (session is not { Channel: CallChannel.Acs, CallConnectionId.Length: > 0 })
        {
            LogNoConnection(callId, action);
            return false;
        }

        var shortReason = reason.Length > CallActionMessage.MaxReasonLength ? reason[..CallActionMessage.MaxReasonLength] : reason;
        await _actions.SendAsync(new CallActionMessage(callId, action, shortReason, session.TenantId), cancellationToken).ConfigureAwait(false);
        return true;
    }

    [LoggerMessage(EventId = 9410, Level = LogLevel.Information, Message = "Call {CallId}: hang-up requested of the Functions app ({Reason})")]
    private partial void LogHangUpRequested(string callId, string reason);

    [LoggerMessage(EventId = 9411, Level = LogLevel.Information, Message = "Call {CallId}: transfer requested of the Functions app (to its configured target)")]
    private partial void LogTransferRequested(string callId);

    [LoggerMessage(EventId = 9412, Level = LogLevel.Information, Message = "Call {CallId}: no ACS call connection to {Action} (not an ACS call, or not answered yet)")]
    private partial void LogNoConnection(string callId, CallActionKind action);

    [LoggerMessage(EventId = 9413, Level = LogLevel.Warning, Message = "Call {CallId}: the {Action} request could not be queued for the Functions app")]
    private partial void LogRequestFailed(Exception exception, string callId, string action);
}
