namespace DvServerless.Functions.BrowserSessions;

/// <summary>How a voice API request ended, before it is mapped to HTTP.</summary>
public enum VoiceOutcome
{
    /// <summary>Done.</summary>
    Ok,

    /// <summary>The request is not valid (400).</summary>
    Invalid,

    /// <summary>No such session, or a malformed id (404 for every caller).</summary>
    NotFound,

    /// <summary>The session belongs to another tenant (403, audited as <c>cross_tenant_attempt</c>).</summary>
    Forbidden,

    /// <summary>The tenant is at its concurrent-call limit (429).</summary>
    Busy,

    /// <summary>No live browser leg holds the session (409 <c>not_live</c>).</summary>
    NotLive,

    /// <summary>The session cannot take the request in its state or channel (409 <c>conflict</c>).</summary>
    Conflict,

    /// <summary>The media worker or OpenAI failed or did not answer (502; the detail is logged, not returned).</summary>
    UpstreamFailed,

    /// <summary>
    /// OpenAI is down or throttling for now (no answer, 429 or 5xx after the retries): 503 with <c>Retry-After</c>
    /// (<see cref="VoiceResult.RetryAfterSeconds"/>), so the client knows to come back rather than give up.
    /// </summary>
    Unavailable,
}
