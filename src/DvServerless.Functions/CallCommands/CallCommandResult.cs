namespace DvServerless.Functions.CallCommands;

/// <summary>How the worker answered a call command.</summary>
public enum CallCommandResult
{
    /// <summary>Done (200).</summary>
    Done,

    /// <summary>No worker runs the call now (404 from the worker).</summary>
    NotLive,

    /// <summary>The call's channel has no such control (409 from the worker).</summary>
    NotSupported,

    /// <summary>The worker could not make the speech (503 from the worker).</summary>
    Unavailable,

    /// <summary>Any other answer, a timeout, or no answer at all.</summary>
    Failed,
}
