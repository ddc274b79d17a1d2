namespace DvServerless.Functions.Calls;

/// <summary>What <see cref="IncomingCallService"/> did with one IncomingCall event.</summary>
public enum IncomingCallResult
{
    /// <summary>The session was created and the call answered.</summary>
    Answered,
    /// <summary>The call already had a session (a redelivery or a concurrent delivery); nothing was done.</summary>
    Duplicate,
    /// <summary>The answer request failed; the session is <c>Failed</c> with the reason.</summary>
    Failed,
    /// <summary>The tenant was at its concurrent-call limit: the call was rejected as busy; the session is <c>Failed</c> ("rejected: capacity").</summary>
    Rejected,
    /// <summary>
    /// Another delivery is deciding the call right now (session <c>Ringing</c> and fresh): nothing was done, and the
    /// delivery is answered 503 so that Event Grid redelivers it; a later redelivery finds the call decided or takes it over.
    /// </summary>
    InProgress,
}
