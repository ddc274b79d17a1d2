namespace DvServerless.Simulators.Acs;

/// <summary>How a simulated call ended.</summary>
public enum SimulatedCallOutcome
{
    /// <summary>The IncomingCall delivery failed (no 2xx).</summary>
    DeliveryFailed,

    /// <summary>Nobody answered within the answer timeout.</summary>
    NotAnswered,

    /// <summary>The app rejected the call.</summary>
    Rejected,

    /// <summary>The app redirected the call.</summary>
    Redirected,

    /// <summary>The caller hung up (its audio done and the agent quiet, or the maximum duration reached).</summary>
    CallerHungUp,

    /// <summary>The app hung up or terminated the call through REST.</summary>
    AppHungUp,

    /// <summary>The app transferred the call.</summary>
    Transferred,

    /// <summary>The simulator was stopped while the call was up.</summary>
    Aborted,

    /// <summary>
    /// The media WebSocket dropped without a close handshake while the call was up (the app's media endpoint died):
    /// ACS reported MediaStreamingFailed and ended the call.
    /// </summary>
    MediaLost,
}
