namespace DvServerless.MediaWorker.Calls;

/// <summary>Why a call loop ended.</summary>
public enum CallEndReason
{
    /// <summary>The caller's leg closed (hang-up, network, ACS ended the stream).</summary>
    LegClosed,
    /// <summary>The engine's connection closed or failed.</summary>
    EngineClosed,
    /// <summary>The agent ended the call (the <c>end_call</c> tool).</summary>
    AgentEnded,
    /// <summary>The worker stopped the call (shutdown after the drain timeout).</summary>
    Cancelled,
}
