namespace DvServerless.Adapters.Commands;

/// <summary>Whether a queued command was answered (<see cref="QueuedCommandResult"/>).</summary>
public enum QueuedCommandDelivery
{
    /// <summary>A replica answered.</summary>
    Replied,

    /// <summary>The queue does not exist: its replica stopped, or no replica ever listened.</summary>
    QueueMissing,

    /// <summary>Nobody answered before the deadline; the message expires unexecuted.</summary>
    NoReply,

    /// <summary>The queue or the replies could not be reached.</summary>
    Unreachable,
}
