namespace DvServerless.MediaWorker.Calls;

/// <summary>A command the Functions app sends for one live call (<c>POST /internal/calls/{callId}/{action}</c>).</summary>
public enum CallCommandAction
{
    /// <summary><c>stop</c>: end a browser session.</summary>
    Stop,

    /// <summary><c>interrupt</c>: cut the agent off now.</summary>
    Interrupt,

    /// <summary><c>audio</c>: mute or unmute a browser caller.</summary>
    Audio,

    /// <summary><c>say</c>: speak text into the call.</summary>
    Say,

    /// <summary><c>comfort-start</c>: play comfort noise whenever the agent is silent.</summary>
    ComfortStart,

    /// <summary><c>comfort-stop</c>: no comfort noise on this call.</summary>
    ComfortStop,

    /// <summary><c>note</c>: tell the agent something from the phone system (a system message; it answers the caller).</summary>
    Note,
}
