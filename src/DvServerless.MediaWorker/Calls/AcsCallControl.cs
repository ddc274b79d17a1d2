using DvServerless.Adapters.Acs;
using DvServerless.Core.Calls;
using DvServerless.Core.Privacy;
using Microsoft.Extensions.Logging;

namespace DvServerless.MediaWorker.Calls;

/// <summary>
/// <see cref="ICallControl"/> through ACS Call Automation: an ACS call is hung up for everyone
/// (<c>:terminate</c>) or transferred (<c>:transferToParticipant</c>) by the call connection id its session recorded
/// when the Functions app answered. Browser and SIP calls have no ACS connection: their leg closing ends them, and they
/// are not transferred here.
/// </summary>
public sealed partial class AcsCallControl(ICallAutomationClient acs, ICallSessionStore sessions, ILogger<AcsCallControl> logger) : ICallControl
{
    /// <inheritdoc />
    public async ValueTask HangUpAsync(string callId, string reason, CancellationToken cancellationToken)
    {
        if (await ConnectionOfAsync(callId, cancellationToken).ConfigureAwait(false) is not { } connection)
        {
            LogNoConnection(callId, "hang up");
            return;
        }

        await acs.TerminateCallAsync(connection, cancellationToken).ConfigureAwait(false);
        LogHungUp(callId, reason);
    }

    /// <inheritdoc />
    public async ValueTask<bool> TransferAsync(string callId, string target, CancellationToken cancellationToken)
    {
        if (await ConnectionOfAsync(callId, cancellationToken).ConfigureAwait(false) is not { } connection)
        {
            LogNoConnection(callId, "transfer");
            return false;
        }

        try
        {
            await acs.TransferToParticipantAsync(connection, target, operationContext: "agent-transfer", cancellationToken).ConfigureAwait(false);
            var maskedTarget = PiiMasker.Mask(target);
            LogTransferred(callId, maskedTarget);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogTransferFailed(ex, callId);
            return false;
        }
    }

    private async ValueTask<string?> ConnectionOfAsync(string callId, CancellationToken cancellationToken)
    {
        var session = await sessions.GetAsync(callId, cancellationToken).ConfigureAwait(false);
        return session is { Channel: CallChannel.Acs, CallConnectionId: { Length: > 0 } connection } ? connection : null;
    }

    [LoggerMessage(EventId = 3011, Level = LogLevel.Information, Message = "Call {CallId}: hung up through ACS ({Reason})")]
    private partial void LogHungUp(string callId, string reason);

    [LoggerMessage(EventId = 3012, Level = LogLevel.Information, Message = "Call {CallId}: transferred through ACS to {Target}")]
    private partial void LogTransferred(string callId, string target);

    [LoggerMessage(EventId = 3013, Level = LogLevel.Warning, Message = "Call {CallId}: the ACS transfer failed")]
    private partial void LogTransferFailed(Exception exception, string callId);

    [LoggerMessage(EventId = 3014, Level = LogLevel.Information, Message = "Call {CallId}: no ACS call connection to {Action} (not an ACS call, or not answered yet)")]
    private partial void LogNoConnection(string callId, string action);
}
