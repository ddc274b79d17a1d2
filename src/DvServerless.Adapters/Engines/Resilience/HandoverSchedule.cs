namespace DvServerless.Adapters.Engines.Resilience;

/// <summary>
/// When the current session is due to be handed to a fresh one, before the provider's session limit
/// (<see cref="Core.Engines.EngineReconnectOptions.HandoverAfter"/>); null turns hand-overs off.
/// </summary>
internal sealed class HandoverSchedule(TimeSpan? handoverAfter, TimeProvider time)
{
    private readonly TimeSpan? _configured = handoverAfter;
    private long _sessionStartedAt = time.GetTimestamp();
    private TimeSpan? _handoverAfter = handoverAfter;

    /// <summary>The session's age has reached the hand-over time.</summary>
    public bool IsDue => _handoverAfter is { } after && time.GetElapsedTime(_sessionStartedAt) >= after;

    /// <summary>A session (the first, a reconnected or a handed-over one) started now.</summary>
    public void SessionStarted()
    {
        _sessionStartedAt = time.GetTimestamp();
        _handoverAfter = _configured;
    }

    /// <summary>
    /// A hand-over could not start a session: try again at a later pause; the provider's own limit still ends the session
    /// if none comes.
    /// </summary>
    public void Postpone() => _handoverAfter = time.GetElapsedTime(_sessionStartedAt) + TimeSpan.FromMinutes(1);
}
