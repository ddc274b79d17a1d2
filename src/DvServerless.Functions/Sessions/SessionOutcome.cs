namespace DvServerless.Functions.Sessions;

/// <summary>How a sessions API request ended, before it is mapped to HTTP.</summary>
public enum SessionOutcome
{
    /// <summary>Done; the session is in the result (202 for a hang-up, else 200).</summary>
    Ok,

    /// <summary>No such session, or a malformed id (404 for every caller).</summary>
    NotFound,

    /// <summary>The session belongs to another tenant (403, audited as <c>cross_tenant_attempt</c>).</summary>
    Forbidden,

    /// <summary>The request is not valid (400).</summary>
    Invalid,

    /// <summary>The session is in a state that does not allow it (409).</summary>
    Conflict,

    /// <summary>ACS or the Realtime API refused (502; their text is logged, not returned).</summary>
    UpstreamFailed,
}
