namespace DvServerless.MediaWorker.Playout;

/// <summary>
/// Where the far end's playback of one call stands: when the last frame sent (agent audio or comfort noise) ends, and
/// when the last agent frame ends. Agent audio and comfort noise share it so that neither overlaps the other.
/// </summary>
/// <remarks>
/// A class rather than fields of <see cref="PlayoutClock"/> because <see cref="ComfortNoiseSender"/> moves it forward too.
/// Used from the call loop's one task only, like the clock: plain fields, no locks on the audio path.
/// </remarks>
internal sealed class PlayoutTimeline
{
    /// <summary>The length of one frame on the leg.</summary>
    public static readonly TimeSpan FrameDuration = TimeSpan.FromMilliseconds(20);

    /// <summary>When the last frame sent finishes playing; <see cref="DateTimeOffset.MinValue"/> before the first.</summary>
    public DateTimeOffset End { get; set; } = DateTimeOffset.MinValue;

    /// <summary>
    /// When the last agent frame sent finishes playing. Comfort noise does not move it: a barge-in over noise stops nothing.
    /// </summary>
    public DateTimeOffset AgentPlayedThrough { get; set; } = DateTimeOffset.MinValue;

    /// <summary>When a frame sent at <paramref name="now"/> starts playing: after what is queued, or now if nothing is.</summary>
    public DateTimeOffset PlaysAt(DateTimeOffset now) => End < now ? now : End;
}
