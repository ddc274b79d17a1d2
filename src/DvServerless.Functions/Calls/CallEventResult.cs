namespace DvServerless.Functions.Calls;

/// <summary>What <see cref="CallEventsService"/> did with one callback event.</summary>
public enum CallEventResult
{
    /// <summary>The session changed state.</summary>
    Applied,
    /// <summary>The session was already in that state (a redelivery); nothing changed.</summary>
    Duplicate,
    /// <summary>The event does not change the session (an informational or unknown type, or MediaStreamingFailed, which is logged).</summary>
    Ignored,
    /// <summary>The event names another call connection than the session's; nothing changed.</summary>
    Mismatched,
    /// <summary>The move is not legal from the session's state (e.g. anything after the call ended); nothing changed.</summary>
    Illegal,
}
