using DvServerless.Core.Audio;

namespace DvServerless.MediaWorker.Playout;

/// <summary>
/// The agent utterances of one call on their way to the caller, in playback order: the one the caller hears (or will hear
/// next) at the head. It knows when an utterance is complete (no more audio will come) and retires, with its final
/// <see cref="AgentUtterance.HeardMs"/>, each one the caller has heard to the end.
/// </summary>
/// <remarks>
/// Part of a <see cref="PlayoutClock"/>, which decides when frames go out; used from the call loop's one task, so no
/// locks. Walked by index, not through an enumerator interface, so the per-frame pump allocates nothing.
/// </remarks>
internal sealed class UtteranceQueue
{
    private readonly List<AgentUtterance> _items = [];
    private readonly Queue<AgentUtterance> _finished = new();
    private readonly AudioFormat _engineFormat;
    private readonly AudioFormat _legFormat;
    private readonly TimeProvider _time;
    private readonly int _frameBytes;

    /// <summary>Creates an empty queue of utterances sent in <paramref name="frameBytes"/>-byte frames.</summary>
    public UtteranceQueue(AudioFormat engineFormat, AudioFormat legFormat, TimeProvider time, int frameBytes)
    {
        _engineFormat = engineFormat;
        _legFormat = legFormat;
        _time = time;
        _frameBytes = frameBytes;
    }

    /// <summary>How many utterances are queued or playing.</summary>
    public int Count => _items.Count;

    /// <summary>The utterance at <paramref name="index"/>; 0 is the head.</summary>
    public AgentUtterance this[int index] => _items[index];

    /// <summary>
    /// The utterance that audio of content part <paramref name="contentIndex"/> of <paramref name="itemId"/> adds to: the
    /// tail when it is that part and still open, else a new one at the end.
    /// </summary>
    public AgentUtterance For(string responseId, string itemId, int contentIndex)
    {
        if (_items.Count > 0)
        {
            var tail = _items[^1];
            if (tail.ItemId == itemId && tail.ContentIndex == contentIndex && !tail.IsComplete)
            {
                return tail;
            }
        }

        // Engines stream one content part after another: a new one means the earlier ones are whole.
        foreach (var earlier in _items)
        {
            MarkComplete(earlier);
        }

        var utterance = new AgentUtterance(responseId, itemId, contentIndex, _engineFormat, _legFormat);
        _items.Add(utterance);
        return utterance;
    }

    /// <summary>Marks every utterance of <paramref name="responseId"/> complete.</summary>
    public void CompleteResponse(string responseId)
    {
        foreach (var utterance in _items)
        {
            if (utterance.ResponseId == responseId)
            {
                MarkComplete(utterance);
            }
        }
    }

    /// <summary>Moves every utterance at the head that finished playing by <paramref name="now"/> to the finished ones.</summary>
    public void Retire(DateTimeOffset now)
    {
        while (_items.Count > 0)
        {
            var head = _items[0];
            if (!head.IsComplete || head.PendingLength > 0 || (head.StartedAt is not null && head.PlayedThrough > now))
            {
                return;
            }

            head.HeardMs = PlayoutClock.HeardMs(head, now);
            head.Release();
            _items.RemoveAt(0);
            _finished.Enqueue(head);
        }
    }

    /// <summary>Takes the next utterance that finished playing, if any.</summary>
    public bool TryTakeFinished(out AgentUtterance utterance) => _finished.TryDequeue(out utterance!);

    /// <summary>Empties the queue, returning every utterance's pooled buffer; their unsent audio is discarded.</summary>
    public void Clear()
    {
        foreach (var utterance in _items)
        {
            utterance.Release();
        }

        _items.Clear();
    }

    /// <summary>No more audio will come for <paramref name="utterance"/>: a short tail it holds becomes a sendable frame now.</summary>
    private void MarkComplete(AgentUtterance utterance)
    {
        if (!utterance.IsComplete && utterance.PendingLength is > 0 && utterance.PendingLength < _frameBytes)
        {
            utterance.FrameReadyAt = _time.GetUtcNow();
        }

        utterance.IsComplete = true;
    }
}
