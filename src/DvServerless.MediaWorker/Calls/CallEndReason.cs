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
    /// <summary>The caller stayed silent through the agent's prompts (<c>Agent:Silence:*</c>): goodbye and hang-up.</summary>
    CallerSilent,
    /// <summary>The call reached its agent's <c>MaxCallMinutes</c>: goodbye and hang-up.</summary>
    TimeLimit,
}
