namespace DvServerless.Simulators.Realtime;

/// <summary>
/// Network-fault injection: the simulator drops a session's WebSocket abruptly, without a close frame, as a lost
/// connection or a crashed front end does (the client sees the socket end mid-conversation). Set
/// <see cref="After"/>, <see cref="AfterResponses"/>, <see cref="DuringResponse"/> or several (whichever comes first
/// drops it).
/// </summary>
public sealed class RealtimeConnectionDrop
{
    /// <summary>Drop the socket this long after the session started; null for no time trigger.</summary>
    public TimeSpan? After { get; set; }

    /// <summary>Drop the socket right after the session's Nth <c>response.done</c> has been sent; null for no response trigger.</summary>
    public int? AfterResponses { get; set; }

    /// <summary>
    /// Drop the socket while the agent speaks: <see cref="IntoResponse"/> after the session's Nth <c>response.created</c>
    /// (the agent cut off mid-sentence, its audio and transcript stopping there, no <c>response.done</c>); null for no
    /// such trigger. A response that finishes sooner is followed by the drop all the same.
    /// </summary>
    public int? DuringResponse { get; set; }

    /// <summary>How long into the <see cref="DuringResponse"/>th response the socket drops (default 0: as it starts).</summary>
    public TimeSpan IntoResponse { get; set; }

    /// <summary>How many sessions are dropped, the first ones opened (default 1, so the client's reconnect holds).</summary>
    public int Sessions { get; set; } = 1;

    /// <summary>Why the settings cannot work, or null.</summary>
    internal string? Problem() =>
        After is null && AfterResponses is null && DuringResponse is null ? "RealtimeSimulator:ConnectionDrop needs After, AfterResponses or DuringResponse."
        : After is { } after && after <= TimeSpan.Zero ? "RealtimeSimulator:ConnectionDrop:After must be positive."
        : AfterResponses is < 1 ? "RealtimeSimulator:ConnectionDrop:AfterResponses must be at least 1."
        : DuringResponse is < 1 ? "RealtimeSimulator:ConnectionDrop:DuringResponse must be at least 1."
        : IntoResponse < TimeSpan.Zero ? "RealtimeSimulator:ConnectionDrop:IntoResponse must not be negative."
        : Sessions < 1 ? "RealtimeSimulator:ConnectionDrop:Sessions must be at least 1."
        : null;
}
