namespace DvServerless.Core.Calls;

/// <summary>
/// The session document of one call, stored as JSON (Blob container <c>sessions</c>, one document per call).
/// Change its state only through <see cref="CallStateMachine"/>, so that only legal transitions happen.
/// </summary>
public sealed class CallSession
{
    /// <summary>The gateway's id for the call; also the document name and the callback route value.</summary>
    public required string CallId { get; init; }

    /// <summary>How the call arrived.</summary>
    public CallChannel Channel { get; init; } = CallChannel.Acs;

    /// <summary>The owning tenant, when tenants are configured.</summary>
    public string? TenantId { get; set; }

    /// <summary>Current state.</summary>
    public CallState State { get; set; } = CallState.Ringing;

    /// <summary>ACS call connection id, known once the answer request returned.</summary>
    public string? CallConnectionId { get; set; }

    /// <summary>ACS server call id (from IncomingCall).</summary>
    public string? ServerCallId { get; set; }

    /// <summary>ACS correlation id (from IncomingCall), the same for every delivery of one call.</summary>
    public string? CorrelationId { get; set; }

    /// <summary>Caller raw id (e.g. <c>4:+14255550123</c>). Untrusted; mask before logging.</summary>
    public string? From { get; set; }

    /// <summary>Callee raw id. Untrusted; mask before logging.</summary>
    public string? To { get; set; }

    /// <summary>When the session was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the session last changed.</summary>
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>When the call connected, if it did.</summary>
    public DateTimeOffset? ConnectedAt { get; set; }

    /// <summary>When the call reached a final state.</summary>
    public DateTimeOffset? EndedAt { get; set; }

    /// <summary>Why the call ended or failed (e.g. the ACS result message).</summary>
    public string? EndReason { get; set; }

    /// <summary>Every state the session went through, oldest first.</summary>
    public List<CallStateChange> History { get; init; } = [];

    /// <summary>
    /// The W3C <c>traceparent</c> of the trace the Functions app started for the call, so the worker's spans join the same
    /// trace; null when tracing was off.
    /// </summary>
    public string? TraceParent { get; set; }

    /// <summary>
    /// The Storage queue of the media worker replica that holds the call's media, recorded by that replica when it takes
    /// the call; commands for the call go there. Null when no replica has claimed it, or the worker has no queue (one
    /// worker, reached over HTTP).
    /// </summary>
    public string? WorkerQueue { get; set; }

    /// <summary>Free-form, untrusted metadata (SIP headers, CRM ids).</summary>
    public Dictionary<string, string> Metadata { get; init; } = new(StringComparer.Ordinal);
}
