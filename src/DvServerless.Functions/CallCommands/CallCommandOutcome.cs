namespace DvServerless.Functions.CallCommands;

/// <summary>How a call command request ended, before it is mapped to HTTP.</summary>
public enum CallCommandOutcome
{
    /// <summary>Done (200).</summary>
    Ok,

    /// <summary>No such session, a malformed id, or another tenant's session (404: a tenant learns nothing of others' calls).</summary>
    NotFound,

    /// <summary>The request is not valid (400, nothing changed).</summary>
    Invalid,

    /// <summary>The call is not live, or its channel has no such control on the gateway (409).</summary>
    NotLive,

    /// <summary>Speech could not be made now (503 with Retry-After).</summary>
    Unavailable,

    /// <summary>The worker did not carry the command out (502; the detail is logged, not returned).</summary>
    UpstreamFailed,
}
