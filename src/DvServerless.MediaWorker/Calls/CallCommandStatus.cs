namespace DvServerless.MediaWorker.Calls;

/// <summary>How the worker carried out a call command, before it is mapped to HTTP.</summary>
public enum CallCommandStatus
{
    /// <summary>Done (200).</summary>
    Done,

    /// <summary>No live call of that id on this worker (404).</summary>
    NotLive,

    /// <summary>The body is not valid for the action (400).</summary>
    Invalid,

    /// <summary>The call's channel has no such control, e.g. mute on an ACS call (409).</summary>
    NotSupported,

    /// <summary>Speech could not be made (503).</summary>
    Unavailable,
}
