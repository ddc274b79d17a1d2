using DvServerless.Core.Speech;

namespace DvServerless.Adapters.Tests.Speech.Offline;

/// <summary>Reads a recognition's events in the background, so a test can look at what has arrived so far.</summary>
internal sealed class EventCollector
{
    private readonly List<SpeechRecognitionEvent> _events = [];

    public EventCollector(ISpeechRecognition recognition)
    {
        Completion = CollectAsync(recognition);
    }

    /// <summary>All events, once the recognition has ended.</summary>
    public Task<List<SpeechRecognitionEvent>> Completion { get; }

    /// <summary>The events so far.</summary>
    public List<SpeechRecognitionEvent> Snapshot()
    {
        lock (_events)
        {
            return [.. _events];
        }
    }

    private async Task<List<SpeechRecognitionEvent>> CollectAsync(ISpeechRecognition recognition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await foreach (var item in recognition.ReadEventsAsync(timeout.Token))
        {
            lock (_events)
            {
                _events.Add(item);
            }
        }

        return Snapshot();
    }
}
