namespace DvServerless.Functions.BrowserSessions;

/// <summary>The media worker as the voice API sees it: commands for the browser leg that holds a session.</summary>
public interface IBrowserWorkerClient
{
    /// <summary>
    /// Sends <paramref name="command"/> for <paramref name="sessionId"/>; <paramref name="enabled"/> is required for
    /// <see cref="BrowserWorkerCommand.Audio"/> and ignored otherwise.
    /// </summary>
    Task<BrowserWorkerAnswer> SendAsync(string sessionId, BrowserWorkerCommand command, bool? enabled, CancellationToken cancellationToken);
}
