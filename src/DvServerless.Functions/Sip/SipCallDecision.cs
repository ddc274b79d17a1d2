namespace DvServerless.Functions.Sip;

/// <summary>What to do with an incoming SIP call: accept, or reject with a SIP status and a reason for the session.</summary>
/// <param name="Accept">True to accept with the configured agent.</param>
/// <param name="RejectStatus">The SIP status for a reject.</param>
/// <param name="Reason">Why, in words (no caller data).</param>
public readonly record struct SipCallDecision(bool Accept, int RejectStatus, string Reason)
{
    /// <summary>Accept with the configured agent.</summary>
    public static SipCallDecision Accepted { get; } = new(true, 0, "accepted by default");

    /// <summary>Reject with <paramref name="status"/>.</summary>
    public static SipCallDecision Rejected(int status, string reason) => new(false, status, reason);
}
