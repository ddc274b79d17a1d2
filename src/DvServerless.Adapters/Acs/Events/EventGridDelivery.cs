namespace DvServerless.Adapters.Acs.Events;

/// <summary>What one Event Grid POST to the IncomingCall endpoint holds.</summary>
public sealed record EventGridDelivery
{
    /// <summary>The subscription validation code when this is the Event Grid schema handshake; otherwise null.</summary>
    public string? ValidationCode { get; init; }

    /// <summary>The IncomingCall events in the delivery.</summary>
    public IReadOnlyList<IncomingCallNotification> IncomingCalls { get; init; } = [];

    /// <summary>Event types in the delivery that are not IncomingCall (ignored), for logging.</summary>
    public IReadOnlyList<string> IgnoredEventTypes { get; init; } = [];
}
