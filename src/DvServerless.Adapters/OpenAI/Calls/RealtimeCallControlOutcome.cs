namespace DvServerless.Adapters.OpenAI.Calls;

/// <summary>How a SIP call-control request ended.</summary>
public enum RealtimeCallControlOutcome
{
    /// <summary>2xx: accepted, rejected, referred or hung up as asked.</summary>
    Ok,

    /// <summary>404: the call no longer exists (the caller hung up, or it was already ended or answered elsewhere).</summary>
    CallGone,

    /// <summary>Any other answer, or no answer after the retries.</summary>
    Failed,
}
