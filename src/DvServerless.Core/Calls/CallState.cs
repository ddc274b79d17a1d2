namespace DvServerless.Core.Calls;

/// <summary>Where a call is in its life. <see cref="Ended"/> and <see cref="Failed"/> are final.</summary>
public enum CallState
{
    /// <summary>The call has arrived and nobody has answered yet.</summary>
    Ringing,
    /// <summary>The gateway has asked the carrier to answer; the call is not connected yet.</summary>
    Answering,
    /// <summary>The call is up and media flows.</summary>
    Connected,
    /// <summary>Someone is hanging up; the carrier has not confirmed yet.</summary>
    Ending,
    /// <summary>The call is over (hung up, rejected, or the caller went away). Final.</summary>
    Ended,
    /// <summary>The call could not be set up or broke. Final.</summary>
    Failed,
}
