using DvServerless.Core.Engines;

namespace DvServerless.MediaWorker.Calls.Tools;

/// <summary>
/// The <c>transfer</c> tool: hands the caller to the configured human colleague through the call's
/// <see cref="ICallControl"/> (ACS <c>transferToParticipant</c>). The model never chooses the number, and without a
/// configured target the tool is not offered at all (<see cref="IsAvailable"/>), so the agent never promises a transfer
/// it cannot make.
/// </summary>
public sealed class TransferToolHandler(ICallControl callControl, string? target) : ICallToolHandler
{
    /// <inheritdoc />
    public string Name => AgentTools.TransferName;

    /// <inheritdoc />
    public AgentTool Definition => AgentTools.Transfer;

    /// <inheritdoc />
    public bool IsAvailable => !string.IsNullOrWhiteSpace(target) && callControl is not LoggingCallControl;

    /// <inheritdoc />
    public async ValueTask<CallToolResult> InvokeAsync(string callId, string argumentsJson, CancellationToken cancellationToken)
    {
        var transferred = IsAvailable && await callControl.TransferAsync(callId, target!.Trim(), cancellationToken).ConfigureAwait(false);
        return transferred
            ? new CallToolResult("""{"ok":true,"status":"the caller is being transferred"}""")
            : new CallToolResult("""{"ok":false,"error":"the transfer failed; apologise and offer to help instead"}""");
    }
}
