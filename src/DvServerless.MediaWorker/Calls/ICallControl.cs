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
    /// Asks for the caller of <paramref name="callId"/> to be transferred to <paramref name="target"/> (a phone number in
    /// E.164 or an ACS raw id); true when the transfer was accepted. By default transfers are not available.
    /// </summary>
    ValueTask<bool> TransferAsync(string callId, string target, CancellationToken cancellationToken) => ValueTask.FromResult(false);
}
