namespace DvServerless.Adapters.CallActions;

/// <summary>
/// The Storage queue the media worker puts <see cref="CallActionMessage"/>s on and the Functions app takes them from
/// (its queue trigger under the Functions host, <c>StandaloneCallActionPoller</c> standalone). One queue for all
/// replicas: any Functions instance can act on any ACS call.
/// </summary>
public static class CallActionQueueDefaults
{
    /// <summary>The queue's name (the Bicep creates it and scopes both apps' grants to it).</summary>
    public const string Name = "dvs-call-actions";

    /// <summary>Where the Functions host moves a message that failed <see cref="MaxDequeueCount"/> times.</summary>
    public const string PoisonName = Name + "-poison";

    /// <summary>Deliveries before a failing message is poison: the Functions host's default, kept the same standalone.</summary>
    public const int MaxDequeueCount = 5;

    /// <summary>How long a delivered message stays hidden before it is tried again (standalone).</summary>
    public static readonly TimeSpan VisibilityTimeout = TimeSpan.FromSeconds(10);
}
