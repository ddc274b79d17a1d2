namespace DvServerless.Functions.Sip;

/// <summary>What the <c>SipIncoming</c> function did with one <c>realtime.call.incoming</c> delivery.</summary>
public enum SipIncomingResult
{
    /// <summary>Accepted with the configured agent and handed to the worker for the sideband.</summary>
    Accepted,

    /// <summary>Declined by a rule or for lack of capacity.</summary>
    Rejected,

    /// <summary>A redelivery or a concurrent copy of a webhook or call already handled: nothing was done.</summary>
    Duplicate,

    /// <summary>The accept (or the sideband hand-off) failed; the session is <c>Failed</c> with the reason.</summary>
    Failed,
}
