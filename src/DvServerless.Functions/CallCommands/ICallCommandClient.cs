namespace DvServerless.Functions.CallCommands;

/// <summary>
/// The media worker as the Functions app's call APIs see it: one command for one live call of any channel. HTTP to the
/// worker today (<see cref="MediaWorkerCallCommandClient"/>); a queue per worker replica can replace it behind this interface.
/// </summary>
public interface ICallCommandClient
{
    /// <summary>Sends <paramref name="command"/> to the worker that runs <paramref name="callId"/>.</summary>
    Task<CallCommandAnswer> SendAsync(string callId, CallCommand command, CancellationToken cancellationToken);
}
