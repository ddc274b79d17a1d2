using DvServerless.Core.Audio;
using DvServerless.MediaWorker.Hosting;
using DvServerless.MediaWorker.Legs;

namespace DvServerless.MediaWorker.Playout;

/// <summary>
/// Sends agent audio to the leg in 20 ms frames paced at real time, a small lead ahead of the caller's playback
/// position, and knows for every agent item how much was sent and how much the caller has heard.
/// </summary>
/// <remarks>
/// <para>
/// The clock keeps a timeline of playback: the first frame of an item plays when it is sent (or when the audio before it
/// ends), each later frame plays right after the previous one. A frame is sent once its playback time is less than
/// <c>lead</c> ahead of now, so at most <c>lead</c> of audio waits in the far end's queue and a StopAudio flushes little.
/// The caller has heard <c>min(sent, now − start − gap)</c> of an item, where <c>gap</c> is time the audio ran dry
/// mid-item: the playback position comes from what was actually sent, never from wall-clock time alone (the trap Pipecat
/// users hit when truncation guesses from elapsed time).
/// </para>
/// <para>
/// Not thread-safe by design: the call loop is its only user and drives it from one task (no locks on the audio path).
/// Time comes from the injected <see cref="TimeProvider"/>, so pacing is exact under a fake clock.
/// </para>
/// <para>
/// The clock decides when frames go out; the utterances in playback order are an <see cref="UtteranceQueue"/>, the
/// playback position a <see cref="PlayoutTimeline"/>, and the noise played while idle a <see cref="ComfortNoiseSender"/>.
/// </para>
/// </remarks>
public sealed class PlayoutClock : IDisposable
{
    private readonly ICallLeg _leg;
    private readonly AudioFormat _legFormat;
    private readonly TimeProvider _time;
    private readonly TimeSpan _lead;
    private readonly MediaWorkerMetrics? _metrics;
    private readonly int _frameBytes;
    private readonly UtteranceQueue _queue;
    private readonly PlayoutTimeline _timeline = new();
    private readonly ComfortNoiseSender _comfortNoise;
    private readonly Queue<(AgentUtterance Utterance, DateTimeOffset SentAt)> _started = new();
    private readonly HashSet<string> _droppedResponses = new(StringComparer.Ordinal);
    private readonly HashSet<string> _droppedItems = new(StringComparer.Ordinal);

    /// <summary>Creates a clock that plays audio in <paramref name="legFormat"/> on <paramref name="leg"/>.</summary>
    public PlayoutClock(ICallLeg leg, AudioFormat legFormat, AudioFormat engineFormat, TimeProvider timeProvider, TimeSpan lead, MediaWorkerMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(leg);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentOutOfRangeException.ThrowIfLessThan(lead, TimeSpan.Zero);
        _leg = leg;
        _legFormat = legFormat;
        _time = timeProvider;
        _lead = lead;
        _metrics = metrics;
        _frameBytes = legFormat.FrameBytes(20);
        _queue = new UtteranceQueue(engineFormat, legFormat, timeProvider, _frameBytes);
        _comfortNoise = new ComfortNoiseSender(leg, timeProvider, _timeline, _frameBytes);
    }

    /// <summary>The leg's audio format (what is sent).</summary>
    public AudioFormat LegFormat => _legFormat;

    /// <summary>True when no agent audio is queued or playing.</summary>
    public bool IsIdle => _queue.Count == 0;

    /// <summary>The utterance the caller hears now (or will hear next), if any.</summary>
    public AgentUtterance? Current => _queue.Count > 0 ? _queue[0] : null;

    /// <summary>
    /// True while agent audio must not go out (the barge-in gate decides whether the caller really interrupts): nothing
    /// is sent or flushed; on resume the audio continues where it stopped and the pause counts as a gap, not as heard.
    /// </summary>
    public bool Paused { get; set; }

    /// <summary>Agent frames written to the leg since the clock was created (comfort noise not counted).</summary>
    public long FramesSent { get; private set; }

    /// <summary>Comfort-noise frames written to the leg since the clock was created.</summary>
    public long ComfortNoiseFramesSent => _comfortNoise.FramesSent;

    /// <summary>
    /// The comfort noise played while no agent audio is queued, or null for silence. It goes out one frame at a time,
    /// just in time, on the same timeline as agent audio: agent audio that arrives follows the noise frame already sent
    /// (at most one frame, 20 ms), never overlaps it, and starts its own heard-time where it really starts playing.
    /// </summary>
    public ComfortNoiseBed? ComfortNoise
    {
        get => _comfortNoise.Bed;
        set => _comfortNoise.Bed = value;
    }

    /// <summary>True when audio of this response or item must be dropped (it was interrupted).</summary>
    public bool IsDropped(string responseId, string itemId) => _droppedResponses.Contains(responseId) || _droppedItems.Contains(itemId);

    /// <summary>Drops any further audio of <paramref name="responseId"/> (e.g. a response cancelled by a barge-in before it spoke).</summary>
    public void DropResponse(string responseId) => _droppedResponses.Add(responseId);

    /// <summary>
    /// Queues agent audio already converted to the leg's format. <paramref name="engineBytes"/> is the size of the delta
    /// as the engine produced it (what a truncate is clamped to). Returns false when the audio was dropped.
    /// </summary>
    public bool Append(string responseId, string itemId, int contentIndex, int engineBytes, ReadOnlySpan<byte> legAudio)
    {
        if (IsDropped(responseId, itemId))
        {
            return false;
        }

        var utterance = _queue.For(responseId, itemId, contentIndex);
        var hadFrame = utterance.PendingLength >= _frameBytes;
        utterance.Append(engineBytes, legAudio);
        if (!hadFrame && utterance.PendingLength >= _frameBytes)
        {
            utterance.FrameReadyAt = _time.GetUtcNow();
        }

        return true;
    }

    /// <summary>Marks every utterance of <paramref name="responseId"/> complete: its tail may now go out as a short frame.</summary>
    public void CompleteResponse(string responseId) => _queue.CompleteResponse(responseId);

    /// <summary>What the caller has heard of <paramref name="utterance"/> at <paramref name="now"/>, in whole milliseconds.</summary>
    public static int HeardMs(AgentUtterance utterance, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(utterance);
        if (utterance.StartedAt is not { } start)
        {
            return 0;
        }

        var heard = now - start - utterance.Gap;
        var sent = utterance.LegDuration(utterance.SentBytes);
        if (heard > sent)
        {
            heard = sent;
        }

        return heard <= TimeSpan.Zero ? 0 : (int)(heard.Ticks / TimeSpan.TicksPerMillisecond);
    }

    /// <summary>Takes the next utterance that finished playing (the caller heard all of it), if any.</summary>
    public bool TryTakeFinished(out AgentUtterance utterance) => _queue.TryTakeFinished(out utterance);

    /// <summary>Takes the next utterance whose first frame went to the caller since the last call, with when it was sent.</summary>
    public bool TryTakeStarted(out AgentUtterance utterance, out DateTimeOffset sentAt)
    {
        if (_started.TryDequeue(out var started))
        {
            (utterance, sentAt) = started;
            return true;
        }

        utterance = null!;
        sentAt = default;
        return false;
    }

    /// <summary>
    /// Sends every frame whose playback time is less than the lead ahead of now, and retires utterances that finished
    /// playing. Call it whenever audio arrives and when <see cref="NextDueAt"/> comes.
    /// </summary>
    public async ValueTask PumpAsync(CancellationToken cancellationToken)
    {
        await PumpAgentAsync(cancellationToken).ConfigureAwait(false);
        if (_queue.Count == 0 && _comfortNoise.Bed is not null)
        {
            await _comfortNoise.PumpAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask PumpAgentAsync(CancellationToken cancellationToken)
    {
        if (Paused)
        {
            return;
        }

        var now = _time.GetUtcNow();
        _queue.Retire(now);
        var horizon = now + _lead;
        for (var i = 0; i < _queue.Count; i++)
        {
            var utterance = _queue[i];
            while (true)
            {
                if (utterance.PendingLength == 0 && utterance.IsComplete)
                {
                    break;
                }

                if (utterance.PendingLength < _frameBytes && !utterance.IsComplete)
                {
                    // Waiting for the engine (a short tail goes out only once the item is complete); a later item
                    // must not overtake this one.
                    return;
                }

                var count = Math.Min(_frameBytes, utterance.PendingLength);

                var playsAt = _timeline.PlaysAt(now);
                if (playsAt >= horizon)
                {
                    return;
                }

                if (utterance.StartedAt is null)
                {
                    utterance.StartedAt = playsAt;
                    _started.Enqueue((utterance, now));
                }
                else if (playsAt > utterance.PlayedThrough)
                {
                    // The engine fell behind real time and the caller heard silence mid-item.
                    utterance.Gap += playsAt - utterance.PlayedThrough;
                    _metrics?.PlayoutUnderrun();
                }

                // The frame could have gone out once its audio was here and its time had come; anything after that is
                // what the gateway added (a late timer, a busy thread pool, a slow socket write). Its time comes from the
                // timeline before any re-basing to now: a stall longer than the lead must count in full.
                var readyAt = (_timeline.End == DateTimeOffset.MinValue ? playsAt : _timeline.End) - _lead;
                if (utterance.FrameReadyAt > readyAt)
                {
                    readyAt = utterance.FrameReadyAt;
                }

                await _leg.SendAudioAsync(utterance.Pending(count), cancellationToken).ConfigureAwait(false);
                utterance.MarkSent(count);
                FramesSent++;
                _metrics?.FrameOut();
                _timeline.End = utterance.PlayedThrough;
                _timeline.AgentPlayedThrough = _timeline.End;

                // A send can take a while (a busy socket or machine): the next frame's playback time and the horizon
                // must come from the clock as it is now, or a stall during the send would go unnoticed as a gap.
                now = _time.GetUtcNow();
                horizon = now + _lead;
                _metrics?.GatewayLatency(now - readyAt);
            }
        }
    }

    /// <summary>When <see cref="PumpAsync"/> next has work (a frame to send or an utterance to retire); null when idle.</summary>
    public DateTimeOffset? NextDueAt()
    {
        if (_queue.Count == 0)
        {
            // Idle: the next comfort-noise frame is due when the one playing ends.
            return _comfortNoise.Bed is null ? null : _timeline.End;
        }

        if (Paused)
        {
            return null;
        }

        var head = _queue[0];
        DateTimeOffset? due = head.IsComplete && head.PendingLength == 0 ? head.PlayedThrough : null;
        for (var i = 0; i < _queue.Count; i++)
        {
            var utterance = _queue[i];
            if (utterance.IsComplete && utterance.PendingLength == 0)
            {
                continue;
            }

            if (utterance.PendingLength >= _frameBytes || (utterance.IsComplete && utterance.PendingLength > 0))
            {
                // PumpAsync sends a frame once its playback time is strictly less than the lead ahead of now.
                var playsAt = _timeline.PlaysAt(_time.GetUtcNow());
                var sendAt = playsAt - _lead + TimeSpan.FromTicks(1);
                if (due is null || sendAt < due)
                {
                    due = sendAt;
                }
            }

            break;
        }

        return due;
    }

    /// <summary>
    /// Barge-in: flushes every queued utterance, tells the leg to stop playing (StopAudio jumps ahead of queued audio),
    /// and returns the utterance the caller was hearing with its final <see cref="AgentUtterance.HeardMs"/>, or null
    /// when no agent item was playing. Later audio of the flushed items is dropped by <see cref="Append"/>.
    /// </summary>
    public async ValueTask<AgentUtterance?> InterruptAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        _queue.Retire(now);

        // Nothing queued and nothing sent that ACS may still be playing: there is nothing to stop. A StopAudio here
        // would only tell the caller's side about an interruption that did not happen.
        // Comfort noise does not count: it is not the agent, and barge-in over it stops nothing.
        if (_queue.Count == 0 && _timeline.AgentPlayedThrough <= now)
        {
            return null;
        }

        AgentUtterance? current = null;
        if (_queue.Count > 0)
        {
            current = _queue[0];
            current.HeardMs = HeardMs(current, now);
            current.Interrupted = true;
        }

        for (var i = 0; i < _queue.Count; i++)
        {
            _droppedItems.Add(_queue[i].ItemId);
            _droppedResponses.Add(_queue[i].ResponseId);
        }

        _queue.Clear();
        _timeline.End = now;
        await _leg.StopAudioAsync(cancellationToken).ConfigureAwait(false);
        return current;
    }

    /// <summary>Returns every pooled buffer; queued audio is discarded.</summary>
    public void Dispose()
    {
        _comfortNoise.Dispose();
        _queue.Clear();
    }
}
