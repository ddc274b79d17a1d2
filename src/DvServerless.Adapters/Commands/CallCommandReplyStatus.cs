namespace DvServerless.Adapters.Commands;

/// <summary>How the worker replica answered a queued call command (the <c>status</c> of its reply).</summary>
public enum CallCommandReplyStatus
{
    /// <summary>Done.</summary>
    Done,

    /// <summary>The replica runs no such call (it ended, or the command reached the wrong replica).</summary>
    NotLive,

    /// <summary>The command's fields do not fit its action; nothing changed.</summary>
    Invalid,

    /// <summary>The call's channel has no such control.</summary>
    NotSupported,

    /// <summary>Speech could not be made now.</summary>
    Unavailable,
}
