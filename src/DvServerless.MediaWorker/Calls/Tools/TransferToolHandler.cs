using DvServerless.Core.Engines;

namespace DvServerless.MediaWorker.Calls.Tools;

/// <summary>
/// The <c>transfer</c> tool: hands the caller to the configured human colleague through the call's
/// <see cref="ICallControl"/>: on SIP calls to <c>Sip:TransferTarget</c> (SIP REFER), on ACS calls to the Functions app's
/// <c>Acs:TransferTarget</c> (the worker asks it; it never knows the number). The model never chooses the number, and
/// when no transfer is offered the tool is not offered at all (<see cref="IsAvailable"/>), so the agent never promises a
/// transfer it cannot make.
/// </summary>
public sealed class TransferToolHandler : ICallToolHandler
{
    private readonly ICallControl _callControl;
    private readonly string? _target;
    private readonly bool _offered;

    /// <summary>Offers transfers to <paramref name="target"/> when it is set (SIP calls).</summary>
    public TransferToolHandler(ICallControl callControl, string? target)
        : this(callControl, target, offered: !string.IsNullOrWhiteSpace(target))
    {
    }

    /// <summary>
    /// Offers transfers when <paramref name="offered"/>; <paramref name="target"/> null leaves the target to the control
    /// (ACS calls: the Functions app's configured one).
    /// </summary>
    public TransferToolHandler(ICallControl callControl, string? target, bool offered)
    {
        _callControl = callControl;
        _target = string.IsNullOrWhiteSpace(target) ? null : target.Trim();
        _offered = offered;
    }

    /// <inheritdoc />
    public string Name => AgentTools.TransferName;

    /// <inheritdoc />
    public AgentTool Definition => AgentTools.Transfer;

    /// <inheritdoc />
    public bool IsAvailable => _offered && _callControl is not LoggingCallControl;

    /// <inheritdoc />
    public async ValueTask<CallToolResult> InvokeAsync(string callId, string argumentsJson, CancellationToken cancellationToken)
    {
        var transferred = IsAvailable && await _callControl.TransferAsync(callId, _target, cancellationToken).ConfigureAwait(false);
        return transferred
            ? new CallToolResult("""{"ok":true,"status":"the caller is being transferred"}""")
            : new CallToolResult("""{"ok":false,"error":"the transfer failed; apologise and offer to help instead"}""");
    }
}
