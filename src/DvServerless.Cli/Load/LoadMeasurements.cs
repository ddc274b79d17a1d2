namespace DvServerless.Cli.Load;

/// <summary>What all the calls of a load run record into, and the live counts the progress display shows.</summary>
public sealed class LoadMeasurements
{
    private int _answered;
    private int _ended;
    private int _completed;
    private int _failed;

    /// <summary>Measurements whose frame jitter skips the burst a <paramref name="playoutLead"/> allows.</summary>
    public LoadMeasurements(TimeSpan playoutLead) => PlayoutLead = playoutLead;

    /// <summary>The worker's playout lead (how much agent audio it sends ahead at an item's start).</summary>
    public TimeSpan PlayoutLead { get; }

    /// <summary>Caller-side frame jitter, <c>|interval − 20 ms|</c>, ms.</summary>
    public LatencyHistogram Jitter { get; } = new();

    /// <summary>Caller-side barge-in reaction: the caller starts talking over the agent → StopAudio arrives, ms.</summary>
    public LatencyHistogram CallerBargeInReaction { get; } = new();

    /// <summary>Calls answered and not yet ended.</summary>
    public int Active => Volatile.Read(ref _answered) - Volatile.Read(ref _ended);

    /// <summary>Calls that ended and passed every check.</summary>
    public int Completed => Volatile.Read(ref _completed);

    /// <summary>Calls that ended and failed a check (or never got going).</summary>
    public int Failed => Volatile.Read(ref _failed);

    /// <summary>A call was answered.</summary>
    public void CallAnswered() => Interlocked.Increment(ref _answered);

    /// <summary>An answered call ended (its checks are still to come).</summary>
    public void CallEnded() => Interlocked.Increment(ref _ended);

    /// <summary>A call's verdict is in.</summary>
    public void Finished(LoadCallOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        Interlocked.Increment(ref outcome.Completed ? ref _completed : ref _failed);
    }
}
