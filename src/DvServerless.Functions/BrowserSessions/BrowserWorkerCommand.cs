namespace DvServerless.Functions.BrowserSessions;

/// <summary>A command for the media worker's live browser leg (<c>POST /internal/browser/{sessionId}/{command}</c>).</summary>
public enum BrowserWorkerCommand
{
    /// <summary>End the session.</summary>
    Stop,

    /// <summary>Cut the agent off now.</summary>
    Interrupt,

    /// <summary>Mute or unmute the caller.</summary>
    Audio,
}
