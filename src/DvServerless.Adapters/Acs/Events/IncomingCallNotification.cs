namespace DvServerless.Adapters.Acs.Events;

/// <summary>One <c>Microsoft.Communication.IncomingCall</c> event, from either Event Grid schema or CloudEvents.</summary>
public sealed record IncomingCallNotification
{
    /// <summary>The event id (Event Grid <c>id</c>); the same on redelivery.</summary>
    public required string EventId { get; init; }

    /// <summary>The opaque context to pass verbatim to answer / reject / redirect.</summary>
    public required string IncomingCallContext { get; init; }

    /// <summary>Caller raw id (e.g. <c>4:+14255550123</c>). Untrusted.</summary>
    public string? FromRawId { get; init; }

    /// <summary>Callee raw id. Untrusted.</summary>
    public string? ToRawId { get; init; }

    /// <summary>Caller display name. Untrusted.</summary>
    public string? CallerDisplayName { get; init; }

    /// <summary>Server call id.</summary>
    public string? ServerCallId { get; init; }

    /// <summary>Correlation id: the same for every delivery of one call.</summary>
    public string? CorrelationId { get; init; }

    /// <summary>SIP headers from <c>customContext.sipHeaders</c>. Untrusted.</summary>
    public IReadOnlyDictionary<string, string> SipHeaders { get; init; } = new Dictionary<string, string>();

    /// <summary>VoIP headers from <c>customContext.voipHeaders</c>. Untrusted.</summary>
    public IReadOnlyDictionary<string, string> VoipHeaders { get; init; } = new Dictionary<string, string>();
}
