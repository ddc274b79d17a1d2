namespace DvServerless.MediaWorker.Calls;

/// <summary>
/// Call control the call loop and its tools may ask for: hang up, transfer. The implementation decides how (ACS Call
/// Automation for ACS calls, nothing when the leg itself ending is enough).
/// </summary>
public interface ICallControl
{
    /// <summary>Asks for the call <paramref name="callId"/> to be hung up for everyone.</summary>
    ValueTask HangUpAsync(string callId, string reason, CancellationToken cancellationToken);

    /// <summary>
    /// Asks for the caller of <paramref name="callId"/> to be transferred to <paramref name="target"/> (a <c>tel:</c> or
    /// <c>sip:</c> URI for SIP calls), or with null to the target the control itself is configured with (ACS calls: the
    /// Functions app's); true when the transfer was accepted or, for ACS calls, requested. By default transfers are not available.
    /// </summary>
    ValueTask<bool> TransferAsync(string callId, string? target, CancellationToken cancellationToken) => ValueTask.FromResult(false);
}
