using DvServerless.Core.Calls;

namespace DvServerless.Functions.CallCommands;

/// <summary>
/// The media worker as the Functions app's call APIs see it: one command for one live call of any channel, delivered to
/// the worker replica that holds the call (<see cref="RoutedCallCommandClient"/>: its Storage queue when the session
/// records one, else HTTP).
/// </summary>
public interface ICallCommandClient
{
    /// <summary>Sends <paramref name="command"/> to the worker that runs the call of <paramref name="session"/>.</summary>
    Task<CallCommandAnswer> SendAsync(CallSession session, CallCommand command, CancellationToken cancellationToken);
}
