namespace DvServerless.Simulators.Realtime;

/// <summary>
/// Network-fault injection: the simulator drops a session's WebSocket abruptly, without a close frame, as a lost
/// connection or a crashed front end does (the client sees the socket end mid-conversation). Set
/// <see cref="After"/>, <see cref="AfterResponses"/> or both (whichever comes first drops it).
/// </summary>
public sealed class RealtimeConnectionDrop
{
    /// <summary>Drop the socket this long after the session started; null for no time trigger.</summary>
    public TimeSpan? After { get; set; }

    /// <summary>Drop the socket right after the session's Nth <c>response.done</c> has been sent; null for no response trigger.</summary>
    public int? AfterResponses { get; set; }

    /// <summary>How many sessions are dropped, the first ones opened (default 1, so the client's reconnect holds).</summary>
    public int Sessions { get; set; } = 1;

    /// <summary>Why the settings cannot work, or null.</summary>
    internal string? Problem() =>
        After is null && AfterResponses is null ? "RealtimeSimulator:ConnectionDrop needs After or AfterResponses."
        : After is { } after && after <= TimeSpan.Zero ? "RealtimeSimulator:ConnectionDrop:After must be positive."
        : AfterResponses is < 1 ? "RealtimeSimulator:ConnectionDrop:AfterResponses must be at least 1."
        : Sessions < 1 ? "RealtimeSimulator:ConnectionDrop:Sessions must be at least 1."
        : null;
}
