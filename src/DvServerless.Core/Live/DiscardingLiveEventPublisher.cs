namespace DvServerless.Core.Live;

/// <summary>A publisher for hosts with no live hub configured: every event is dropped.</summary>
public sealed class DiscardingLiveEventPublisher : ILiveEventPublisher
{
    /// <summary>The one instance.</summary>
    public static readonly DiscardingLiveEventPublisher Instance = new();

    /// <inheritdoc />
    public bool Publish(LiveEvent liveEvent) => false;
}
