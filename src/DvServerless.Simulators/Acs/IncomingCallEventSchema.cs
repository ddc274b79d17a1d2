namespace DvServerless.Simulators.Acs;

/// <summary>The Event Grid subscription schema an IncomingCall is delivered in (PROTOCOL §4.1).</summary>
public enum IncomingCallEventSchema
{
    /// <summary>Event Grid schema: a JSON array with <c>aeg-event-type: Notification</c>.</summary>
    EventGrid,

    /// <summary>CloudEvents 1.0 schema, structured mode (<c>application/cloudevents+json</c>).</summary>
    CloudEvents,
}
