namespace DvServerless.Functions.CallCommands;

/// <summary>What a call command asks of the worker that runs the call.</summary>
public enum CallCommandKind
{
    /// <summary>End a browser session.</summary>
    Stop,

    /// <summary>Cut the agent off now.</summary>
    Interrupt,

    /// <summary>Mute or unmute a browser caller.</summary>
    Audio,

    /// <summary>Speak text into the call.</summary>
    Say,

    /// <summary>Play comfort noise whenever the agent is silent.</summary>
    ComfortStart,

    /// <summary>No comfort noise on this call.</summary>
    ComfortStop,

    /// <summary>Tell the agent something from the phone system (a system message it answers), e.g. a transfer that failed.</summary>
    Note,
}
