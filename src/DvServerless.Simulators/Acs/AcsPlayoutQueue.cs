using DvServerless.Core.Audio;

namespace DvServerless.Simulators.Acs;

/// <summary>
/// Models ACS's outbound playout: agent audio is queued as it arrives and played to the caller at real time, one
/// 20 ms tick at a time; StopAudio discards what is still queued. Records what was heard and the segments.
/// Used only from the media tick loop, so it needs no locking.
/// </summary>
internal sealed class AcsPlayoutQueue : IDisposable
{
    private static readonly TimeSpan SegmentGap = TimeSpan.FromMilliseconds(300);
    private readonly AudioFormat _format;
    private readonly bool _keepHeard;
    private readonly Queue<byte[]> _chunks = new();
    private readonly MemoryStream _heard = new();
    private readonly List<AgentAudioSegment> _segments = [];
    private readonly List<StopAudioRecord> _stops = [];
    private readonly List<AgentAudioGap> _gaps = [];
    private int _headOffset;
    private long _queuedBytes;

    // Bytes heard so far: the length of _heard, or what it would be when the audio is not kept.
    private int _heardLength;

    // The open segment: when it started, where its audio starts in _heard, when audio was last played.
    private TimeSpan? _segmentStart;
    private int _segmentHeardOffset;
    private TimeSpan _lastPlayedEnd;

    /// <summary>Creates the queue; <paramref name="keepHeard"/> false counts the heard audio without keeping it.</summary>
    public AcsPlayoutQueue(AudioFormat format, bool keepHeard = true)
    {
        _format = format;
        _keepHeard = keepHeard;
    }

    public bool IsEmpty => _queuedBytes == 0;

    /// <summary>When agent audio last finished playing (relative to media start), or null if none played yet.</summary>
    public TimeSpan? LastPlayedEnd => _segments.Count == 0 && _segmentStart is null ? null : _lastPlayedEnd;

    public IReadOnlyList<StopAudioRecord> Stops => _stops;

    public void Enqueue(byte[] audio)
    {
        if (audio.Length > 0)
        {
            _chunks.Enqueue(audio);
            _queuedBytes += audio.Length;
        }
    }

    /// <summary>Discards the unplayed queue and ends the open segment.</summary>
    public void Stop(TimeSpan arrivedAt)
    {
        _stops.Add(new StopAudioRecord(arrivedAt, _format.DurationMs(_queuedBytes)));
        _chunks.Clear();
        _headOffset = 0;
        _queuedBytes = 0;
        CloseSegment(endedByStop: true);
    }

    /// <summary>Plays up to <paramref name="duration"/> of queued audio starting at <paramref name="now"/>.</summary>
    public void Play(TimeSpan now, TimeSpan duration)
    {
        var budget = (int)(_format.BytesPerMillisecond * duration.TotalMilliseconds);
        budget -= budget % _format.BytesPerSample;
        var played = 0;
        while (played < budget && _chunks.Count > 0)
        {
            var head = _chunks.Peek();
            var take = Math.Min(budget - played, head.Length - _headOffset);
            if (_keepHeard)
            {
                _heard.Write(head, _headOffset, take);
            }

            _heardLength += take;
            _headOffset += take;
            played += take;
            if (_headOffset == head.Length)
            {
                _chunks.Dequeue();
                _headOffset = 0;
            }
        }

        _queuedBytes -= played;
        if (played > 0)
        {
            if (_segmentStart is null)
            {
                _segmentStart = now;
                _segmentHeardOffset = _heardLength - played;
            }
            else if (now > _lastPlayedEnd)
            {
                // The queue ran dry mid-segment and audio resumed: the caller heard a hole in the agent's speech.
                _gaps.Add(new AgentAudioGap(_lastPlayedEnd, now - _lastPlayedEnd));
            }

            _lastPlayedEnd = now + TimeSpan.FromMilliseconds(_format.DurationMs(played));
        }
        else if (_segmentStart is not null && now - _lastPlayedEnd > SegmentGap)
        {
            CloseSegment(endedByStop: false);
        }
    }

    /// <summary>Ends the open segment (at hang-up).</summary>
    public void Finish() => CloseSegment(endedByStop: false);

    public byte[] HeardAudio() => _heard.ToArray();

    public void Dispose() => _heard.Dispose();

    public IReadOnlyList<AgentAudioSegment> Segments() => _segments.ToArray();

    /// <summary>Silences inside segments (see <see cref="AgentAudioGap"/>).</summary>
    public IReadOnlyList<AgentAudioGap> Gaps() => _gaps.ToArray();

    private void CloseSegment(bool endedByStop)
    {
        if (_segmentStart is not { } start)
        {
            return;
        }

        var length = _heardLength - _segmentHeardOffset;
        _segments.Add(new AgentAudioSegment(start, _lastPlayedEnd, _format.DurationMs(length), _segmentHeardOffset, length, endedByStop));
        _segmentStart = null;
    }
}
