namespace DvServerless.Simulators.Realtime.Sip;

/// <summary>How a simulated SIP call ended (or that it has not).</summary>
public enum SipCallEnd
{
    /// <summary>Still ringing or connected.</summary>
    None,

    /// <summary>No 2xx for the webhook after every attempt, or no accept/reject in time.</summary>
    NotAnswered,

    /// <summary>The app rejected it (see <see cref="SipCallResult.RejectStatus"/>).</summary>
    Rejected,

    /// <summary>The caller's audio was done and the agent stayed quiet: the caller hung up.</summary>
    CallerHungUp,

    /// <summary>The app called <c>hangup</c>.</summary>
    AppHungUp,

    /// <summary>The app called <c>refer</c> (see <see cref="SipCallResult.ReferTarget"/>); the call left the service.</summary>
    Referred,
}
