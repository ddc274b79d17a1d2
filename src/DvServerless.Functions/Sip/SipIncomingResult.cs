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

    /// <summary>
    /// Another delivery of the call is deciding it right now (its session is <c>Ringing</c> and fresh): nothing was done,
    /// and the webhook is answered 503 so that OpenAI redelivers it. A redelivery finds the call decided (a duplicate) or,
    /// when the deciding instance died, takes the decision over.
    /// </summary>
    InProgress,
}
