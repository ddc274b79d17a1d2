namespace DvServerless.MediaWorker.Calls;

/// <summary>
/// Call control the call loop may ask for (hang up). The worker does not reach ACS itself here; the implementation
/// decides how (the Functions app, the ACS client, or nothing when the leg itself ending is enough).
/// </summary>
public interface ICallControl
{
    /// <summary>Asks for the call <paramref name="callId"/> to be hung up for everyone.</summary>
    ValueTask HangUpAsync(string callId, string reason, CancellationToken cancellationToken);
}
