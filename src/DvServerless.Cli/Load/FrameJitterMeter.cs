using DvServerless.Simulators.Acs;

namespace DvServerless.Cli.Load;

/// <summary>
/// Frame jitter as one caller hears it: for agent audio frames arriving in a run (one agent item), how far each gap
/// between consecutive frames is from the 20 ms cadence, <c>|interval − 20 ms|</c>, into a shared histogram.
/// </summary>
/// <remarks>
/// <para>
/// The worker sends the first frames of an item at once, up to its playout lead ahead of playback, and paces the rest at
/// real time; the burst is by design. Frame <c>k</c> of a run plays at <c>start + 20k ms</c> and may be sent once that is
/// less than the lead ahead, so frames <c>0 … lead / 20 ms</c> are due the moment the item starts: the burst. An interval
/// is measured only between two paced frames, so the interval from the last burst frame to the first paced one is not
/// measured either: when that gap is short, it says when the engine's audio arrived (an engine streams in chunks, and
/// the burst's last frame waits for the chunk that completes it), not how the gateway paced. Measured on the idle
/// machine, 25 calls: 124 of 125 runs had that gap near 0 ms, which alone made the p99 read 20 ms.
/// </para>
/// <para>
/// A run ends at a StopAudio, or when a frame arrives after the caller has played everything sent before it: the
/// caller's playback ran dry. The worker then starts its timeline afresh from that moment and sends a lead's worth at
/// once, the same burst as at an item's start, so the frame opens a new run. That is how the next agent item shows at
/// the caller when it follows the previous one with no StopAudio between (the model's turn timing, not the gateway's
/// pacing). A frame that comes late while the caller still has audio queued is jitter and counts as such. A stall in the
/// worker long enough to run the caller dry mid-item looks the same as a new item from here; the worker's own
/// gateway latency per frame (<c>dvs.playout.gateway_latency</c>) counts such a stall in full.
/// </para>
/// <para>Fed from the simulated call's socket receive loop, one message at a time; no locks, no allocation.</para>
/// </remarks>
public sealed class FrameJitterMeter
{
    /// <summary>The ACS media frame cadence.</summary>
    public static readonly TimeSpan Cadence = TimeSpan.FromMilliseconds(20);

    private readonly LatencyHistogram _jitter;
    private readonly int _burstFrames;
    private TimeSpan? _lastArrival;
    private TimeSpan _playedThrough;
    private int _framesInRun;

    /// <summary>A meter that records into <paramref name="jitter"/>, skipping the burst a <paramref name="playoutLead"/> allows.</summary>
    public FrameJitterMeter(LatencyHistogram jitter, TimeSpan playoutLead)
    {
        ArgumentNullException.ThrowIfNull(jitter);
        _jitter = jitter;
        _burstFrames = (int)(playoutLead.Ticks / Cadence.Ticks) + 1;
    }

    /// <summary>Agent audio frames seen.</summary>
    public int Frames { get; private set; }

    /// <summary>Frame intervals measured (between paced frames, past each run's opening burst).</summary>
    public int Measured { get; private set; }

    /// <summary>Takes one message the app sent, as it arrived.</summary>
    public void OnMessage(OutboundMediaMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        switch (message.Kind)
        {
            case OutboundMediaKind.StopAudio:
                // The caller's queue is flushed: nothing sent before it plays.
                _lastArrival = null;
                _playedThrough = TimeSpan.Zero;
                break;
            case OutboundMediaKind.AudioData when message.AudioBytes > 0:
                OnFrame(message.ArrivedAt);
                break;
            default:
                break;
        }
    }

    private void OnFrame(TimeSpan arrivedAt)
    {
        Frames++;
        // Each frame plays right after the one before, or at once when the caller had nothing left to play. The worker
        // sends whole 20 ms frames except an item's last, so counting every frame as 20 ms errs by less than a frame, at
        // an item's end.
        var ranDry = arrivedAt > _playedThrough;
        _playedThrough = (ranDry ? arrivedAt : _playedThrough) + Cadence;
        if (_lastArrival is not { } last || ranDry)
        {
            _framesInRun = 1;
            _lastArrival = arrivedAt;
            return;
        }

        _framesInRun++;
        _lastArrival = arrivedAt;
        // Frames 1 … burst are the burst; frame burst + 1 is the first paced one; its interval from the burst is skipped.
        if (_framesInRun <= _burstFrames + 1)
        {
            return;
        }

        _jitter.Record(Math.Abs((arrivedAt - last - Cadence).TotalMilliseconds));
        Measured++;
    }
}
