using System.Buffers;
using DvServerless.Core.Audio;

namespace DvServerless.MediaWorker.Playout;

/// <summary>
/// The handle of one agent item's audio (one content part) on its way to the caller: how much the engine produced, how
/// much was sent to the leg, how much the caller heard, and whether the caller interrupted it.
/// </summary>
/// <remarks>
/// Owned by one <see cref="PlayoutClock"/> and touched only from the call loop, so it needs no synchronisation. Audio
/// not yet sent is held in one pooled buffer that is returned when the utterance leaves the playout queue.
/// </remarks>
public sealed class AgentUtterance
{
    private readonly AudioFormat _legFormat;
    private readonly AudioFormat _engineFormat;
    private byte[]? _pending;
    private int _pendingStart;

    internal AgentUtterance(string responseId, string itemId, int contentIndex, AudioFormat engineFormat, AudioFormat legFormat)
    {
        ResponseId = responseId;
        ItemId = itemId;
        ContentIndex = contentIndex;
        _engineFormat = engineFormat;
        _legFormat = legFormat;
    }

    /// <summary>The engine's response id.</summary>
    public string ResponseId { get; }

    /// <summary>The engine's item id (what a truncate names).</summary>
    public string ItemId { get; }

    /// <summary>The content part of the item.</summary>
    public int ContentIndex { get; }

    /// <summary>Bytes the engine produced for this item, in the engine's format.</summary>
    public long ReceivedBytes { get; private set; }

    /// <summary>Bytes written to the leg, in the leg's format.</summary>
    public long SentBytes { get; private set; }

    /// <summary>Milliseconds of audio the engine produced (floor).</summary>
    public int ReceivedMs => (int)(ReceivedBytes * 1000 / (_engineFormat.SampleRate * _engineFormat.BytesPerSample));

    /// <summary>Milliseconds of audio written to the leg (floor).</summary>
    public int SentMs => (int)(SentBytes * 1000 / (_legFormat.SampleRate * _legFormat.BytesPerSample));

    /// <summary>
    /// Milliseconds the caller heard. Final once the utterance finished or was interrupted; while it plays, ask
    /// <see cref="PlayoutClock.HeardMs"/>.
    /// </summary>
    public int HeardMs { get; internal set; }

    /// <summary>True when the caller interrupted this utterance.</summary>
    public bool Interrupted { get; internal set; }

    /// <summary>True when no more audio will come for it (its response finished or a later item began).</summary>
    public bool IsComplete { get; internal set; }

    /// <summary>When the caller started hearing it (the playback time of its first byte); null before the first frame.</summary>
    public DateTimeOffset? StartedAt { get; internal set; }

    /// <summary>Time the audio ran dry mid-item (underruns); the caller heard silence, not this item, during it.</summary>
    public TimeSpan Gap { get; internal set; }

    /// <summary>
    /// When the audio of the next frame to send was all here: set when an append (or the item's completion, for a short
    /// tail) makes a frame sendable. The gateway's latency for a frame counts from this or from the frame's due time,
    /// whichever is later.
    /// </summary>
    internal DateTimeOffset FrameReadyAt { get; set; }

    /// <summary>Audio received but not yet sent, in the leg's format.</summary>
    internal int PendingLength { get; private set; }

    /// <summary>When the last sent byte finishes playing.</summary>
    internal DateTimeOffset PlayedThrough => StartedAt is { } start ? start + Gap + LegDuration(SentBytes) : DateTimeOffset.MinValue;

    internal ReadOnlyMemory<byte> Pending(int count) => _pending.AsMemory(_pendingStart, count);

    internal TimeSpan LegDuration(long legBytes) =>
        TimeSpan.FromTicks(legBytes * TimeSpan.TicksPerSecond / (_legFormat.SampleRate * _legFormat.BytesPerSample));

    internal void Append(int engineBytes, ReadOnlySpan<byte> legAudio)
    {
        ReceivedBytes += engineBytes;
        if (legAudio.IsEmpty)
        {
            return;
        }

        var needed = PendingLength + legAudio.Length;
        if (_pending is null || _pendingStart + needed > _pending.Length)
        {
            if (_pending is not null && needed <= _pending.Length)
            {
                // Compact in place: sent bytes at the front are dead.
                _pending.AsSpan(_pendingStart, PendingLength).CopyTo(_pending);
            }
            else
            {
                // Engines produce audio faster than real time, so an item can pile up seconds ahead; grow geometrically.
                var grown = PooledBuffers.Rent(Math.Max(needed, Math.Max(_legFormat.FrameBytes(20) * 8, (_pending?.Length ?? 0) * 2)));
                if (_pending is not null)
                {
                    _pending.AsSpan(_pendingStart, PendingLength).CopyTo(grown);
                    PooledBuffers.Return(_pending);
                }

                _pending = grown;
            }

            _pendingStart = 0;
        }

        legAudio.CopyTo(_pending.AsSpan(_pendingStart + PendingLength));
        PendingLength = needed;
    }

    internal void MarkSent(int count)
    {
        _pendingStart += count;
        PendingLength -= count;
        SentBytes += count;
        if (PendingLength == 0)
        {
            _pendingStart = 0;
        }
    }

    /// <summary>Returns the pending buffer to the pool; unsent audio is dropped.</summary>
    internal void Release()
    {
        if (_pending is not null)
        {
            PooledBuffers.Return(_pending);
            _pending = null;
        }

        _pendingStart = 0;
        PendingLength = 0;
    }
}
