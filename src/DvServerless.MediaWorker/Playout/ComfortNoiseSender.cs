using DvServerless.Core.Audio;
using DvServerless.MediaWorker.Legs;

namespace DvServerless.MediaWorker.Playout;

/// <summary>
/// Sends a call's <see cref="ComfortNoiseBed"/> to its leg while no agent audio is queued: one frame at a time, just in
/// time, on the <see cref="PlayoutTimeline"/> agent audio shares, so agent audio that arrives waits behind one noise frame
/// (20 ms) at most and never overlaps it.
/// </summary>
/// <remarks>
/// Part of a <see cref="PlayoutClock"/> and driven from the call loop's one task like it: no locks. The frame buffer is
/// rented once, when the first bed is set, and reused for every frame: idle noise allocates nothing per frame.
/// </remarks>
internal sealed class ComfortNoiseSender : IDisposable
{
    private readonly ICallLeg _leg;
    private readonly TimeProvider _time;
    private readonly PlayoutTimeline _timeline;
    private readonly int _frameBytes;
    private ComfortNoiseBed? _bed;
    private byte[]? _frame;

    /// <summary>Creates a sender of <paramref name="frameBytes"/>-byte frames on <paramref name="leg"/>.</summary>
    public ComfortNoiseSender(ICallLeg leg, TimeProvider time, PlayoutTimeline timeline, int frameBytes)
    {
        _leg = leg;
        _time = time;
        _timeline = timeline;
        _frameBytes = frameBytes;
    }

    /// <summary>The noise to send, or null for silence.</summary>
    public ComfortNoiseBed? Bed
    {
        get => _bed;
        set
        {
            _bed = value;
            if (value is not null)
            {
                _frame ??= PooledBuffers.Rent(_frameBytes);
            }
        }
    }

    /// <summary>Noise frames written to the leg so far.</summary>
    public long FramesSent { get; private set; }

    /// <summary>Sends a noise frame each time the far end has nothing left to play. Call only with a <see cref="Bed"/> set.</summary>
    public async ValueTask PumpAsync(CancellationToken cancellationToken)
    {
        // Just in time: a noise frame goes out only when the far end has nothing left to play, so agent audio arriving
        // later waits behind one frame of noise at most.
        var now = _time.GetUtcNow();
        while (_timeline.End <= now)
        {
            var frame = _frame.AsMemory(0, _frameBytes);
            _bed!.Fill(frame.Span);
            await _leg.SendAudioAsync(frame, cancellationToken).ConfigureAwait(false);
            FramesSent++;
            _timeline.End = _timeline.PlaysAt(now) + PlayoutTimeline.FrameDuration;
            now = _time.GetUtcNow();
        }
    }

    /// <summary>Returns the frame buffer to the pool.</summary>
    public void Dispose()
    {
        if (_frame is not null)
        {
            PooledBuffers.Return(_frame);
            _frame = null;
        }
    }
}
