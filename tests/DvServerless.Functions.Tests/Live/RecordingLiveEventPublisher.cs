using DvServerless.Core.Live;

namespace DvServerless.Functions.Tests.Live;

/// <summary>Keeps every published event, in order.</summary>
internal sealed class RecordingLiveEventPublisher : ILiveEventPublisher
{
    private readonly List<LiveEvent> _events = [];

    public IReadOnlyList<LiveEvent> Events
    {
        get
        {
            lock (_events)
            {
                return [.. _events];
            }
        }
    }

    public bool Publish(LiveEvent liveEvent)
    {
        lock (_events)
        {
            _events.Add(liveEvent);
        }

        return true;
    }
}
