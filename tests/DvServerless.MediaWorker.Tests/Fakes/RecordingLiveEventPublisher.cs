using System.Collections.Concurrent;
using DvServerless.Core.Live;

namespace DvServerless.MediaWorker.Tests.Fakes;

/// <summary>Keeps every live event published, in order.</summary>
public sealed class RecordingLiveEventPublisher : ILiveEventPublisher
{
    private readonly ConcurrentQueue<LiveEvent> _events = new();

    public IReadOnlyList<LiveEvent> Events => [.. _events];

    public IReadOnlyList<LiveEvent> OfType(string type) => Events.Where(e => e.Type == type).ToList();

    public bool Publish(LiveEvent liveEvent)
    {
        _events.Enqueue(liveEvent);
        return true;
    }
}
