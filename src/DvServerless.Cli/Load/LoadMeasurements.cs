namespace DvServerless.Cli.Load;

/// <summary>What all the calls of a load run record into, and the live counts the progress display shows.</summary>
public sealed class LoadMeasurements
{
    private int _answered;
    private int _ended;
    private int _completed;
    private int _failed;
    private int _agentAnswers;
    private int _understoodAnswers;

    /// <summary>Measurements whose frame jitter skips the burst a <paramref name="playoutLead"/> allows.</summary>
    public LoadMeasurements(TimeSpan playoutLead) => PlayoutLead = playoutLead;

    /// <summary>When a call's first barge-in line starts, from media start; null when the calls are too short for one.</summary>
    public TimeSpan? FirstBargeIn { get; init; }

    /// <summary>The worker's playout lead (how much agent audio it sends ahead at an item's start).</summary>
    public TimeSpan PlayoutLead { get; }

    /// <summary>Caller-side frame jitter, <c>|interval − 20 ms|</c>, ms.</summary>
    public LatencyHistogram Jitter { get; } = new();

    /// <summary>Caller-side barge-in reaction: the caller starts talking over the agent → StopAudio arrives, ms.</summary>
    public LatencyHistogram CallerBargeInReaction { get; } = new();

    /// <summary>How late a harness thread woke for each 20 ms step (<see cref="Core.Diagnostics.WakeLatenessProbe"/>), ms: the harness floor under the run.</summary>
    public LatencyHistogram HarnessWakeLateness { get; } = new();

    /// <summary>Caller-side answer latency: the end of a caller's line → the first frame of the agent's answer, ms.</summary>
    public LatencyHistogram AnswerLatency { get; } = new();

    /// <summary>The agent's answers read from the calls' records (offline runs only).</summary>
    public int AgentAnswers => Volatile.Read(ref _agentAnswers);

    /// <summary>Of <see cref="AgentAnswers"/>, those that answered the line the caller said (the recognizer heard it).</summary>
    public int UnderstoodAnswers => Volatile.Read(ref _understoodAnswers);

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

    /// <summary>One call's agent answers, of which <paramref name="understood"/> answered what the caller said.</summary>
    public void AgentAnswered(int answers, int understood)
    {
        Interlocked.Add(ref _agentAnswers, answers);
        Interlocked.Add(ref _understoodAnswers, understood);
    }

    /// <summary>A call's verdict is in.</summary>
    public void Finished(LoadCallOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        Interlocked.Increment(ref outcome.Completed ? ref _completed : ref _failed);
    }
}
