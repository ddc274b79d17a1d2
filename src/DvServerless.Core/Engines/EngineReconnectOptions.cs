namespace DvServerless.Core.Engines;

/// <summary>
/// How a call survives its engine's connection ending (<c>Agent:Reconnect:*</c>): reconnect with exponential backoff and
/// the conversation so far replayed into the new session, and hand the call over to a fresh session at a pause before
/// a provider's session limit (OpenAI Realtime ends sessions at 60 minutes).
/// </summary>
public sealed class EngineReconnectOptions
{
    /// <summary>Attempts after a drop before the call is given up; 0 turns reconnecting off.</summary>
    public int MaxAttempts { get; set; } = 4;

    /// <summary>
    /// The wait before the first attempt. Short: while it runs the caller hears only the agent audio already received,
    /// then silence, and a dropped connection is usually restored at the first try.
    /// </summary>
    public TimeSpan InitialDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// The longest one attempt may take to open a session; an attempt that takes longer (a black-holed connect, a slow
    /// handshake) is abandoned and the next one made, so a hung attempt cannot hold the call in silence.
    /// </summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest wait between attempts.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(4);

    /// <summary>How much each wait grows over the last.</summary>
    public double Multiplier { get; set; } = 2;

    /// <summary>
    /// After this long, the call moves to a fresh session at the next pause (a response finished, the caller quiet);
    /// null never. Default 55 minutes: inside Realtime's 60-minute limit with room to find a pause.
    /// </summary>
    public TimeSpan? HandoverAfter { get; set; } = TimeSpan.FromMinutes(55);

    /// <summary>Most characters of the conversation replayed into a new session (the latest turns are kept).</summary>
    public int MaxReplayCharacters { get; set; } = 6000;

    /// <summary>The wait before attempt <paramref name="attempt"/> (1-based).</summary>
    public TimeSpan DelayBefore(int attempt)
    {
        var ms = InitialDelay.TotalMilliseconds * Math.Pow(Math.Max(1, Multiplier), Math.Max(0, attempt - 1));
        return TimeSpan.FromMilliseconds(Math.Min(ms, MaxDelay.TotalMilliseconds));
    }

    /// <summary>A problem with the settings, or null.</summary>
    public string? Validate() =>
        MaxAttempts is < 0 or > 100 ? "Agent:Reconnect:MaxAttempts must be 0–100."
        : InitialDelay < TimeSpan.Zero || MaxDelay < InitialDelay ? "Agent:Reconnect:InitialDelay must be ≥ 0 and ≤ MaxDelay."
        : Multiplier < 1 ? "Agent:Reconnect:Multiplier must be ≥ 1."
        : AttemptTimeout <= TimeSpan.Zero ? "Agent:Reconnect:AttemptTimeout must be positive."
        : HandoverAfter is { } after && after <= TimeSpan.Zero ? "Agent:Reconnect:HandoverAfter must be positive."
        : null;

    /// <summary>A copy.</summary>
    public EngineReconnectOptions Clone() => (EngineReconnectOptions)MemberwiseClone();
}
