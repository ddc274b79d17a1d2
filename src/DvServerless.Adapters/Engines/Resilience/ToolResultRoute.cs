namespace DvServerless.Adapters.Engines.Resilience;

/// <summary>Where a tool's result goes, given the session that asked for the tool.</summary>
internal enum ToolResultRoute
{
    /// <summary>The current session asked for it (or it is unknown): a <c>function_call_output</c> to it, as always.</summary>
    CurrentSession,

    /// <summary>A dropped session asked for it and a session is up: a note to the current session, now.</summary>
    NoteNow,

    /// <summary>A dropped session asked for it and the engine is reconnecting: a note to the next session once it is up.</summary>
    Held,

    /// <summary>The result of a dropped session's call came already: nothing is sent again.</summary>
    Duplicate,
}
