namespace DvServerless.Cli.Load;

/// <summary>
/// The figures of one load run. Milliseconds are null when nothing was measured (e.g. no barge-in happened), and
/// <see cref="NotMeasured"/> says why.
/// </summary>
public sealed record LoadReport
{
    /// <summary>The engine the calls ran on (<see cref="LoadEngines.Simulator"/> or <see cref="LoadEngines.Offline"/>).</summary>
    public string Engine { get; init; } = LoadEngines.Simulator;

    /// <summary>The engine as the local stack describes it (e.g. its parts), or empty.</summary>
    public string EngineDescription { get; init; } = string.Empty;

    /// <summary>Calls placed.</summary>
    public required int Calls { get; init; }

    /// <summary>Calls that ran their length and ended cleanly.</summary>
    public required int Completed { get; init; }

    /// <summary>Calls that did not.</summary>
    public required int Failed { get; init; }

    /// <summary>Why each failed call failed, with its number.</summary>
    public required IReadOnlyList<LoadCallOutcome> Failures { get; init; }

    /// <summary>Caller-side frame jitter p50, p95, p99 (ms) and the intervals measured.</summary>
    public required (double? P50, double? P95, double? P99, long Intervals) Jitter { get; init; }

    /// <summary>Gateway-added latency per frame p50, p99 (ms) and the frames measured.</summary>
    public required (double? P50, double? P99, long Frames) GatewayLatency { get; init; }

    /// <summary>
    /// How late a thread of the worker woke for a 20 ms step, p50 and p99 (ms): the worker's floor from its machine
    /// (<c>dvs.runtime.wake_lateness</c>). Gateway latency close to it is scheduling, not the worker's code.
    /// </summary>
    public (double? P50, double? P99) WorkerWakeLateness { get; init; }

    /// <summary>Barge-in reaction at the worker (signal → StopAudio sent) p99, ms, and the barge-ins measured.</summary>
    public required (double? P99, long Count) BargeInReaction { get; init; }

    /// <summary>Barge-in reaction at the caller (caller starts talking over the agent → StopAudio arrives, VAD included) p50, p99, ms.</summary>
    public required (double? P50, double? P99) CallerBargeInReaction { get; init; }

    /// <summary>
    /// Answer latency at the caller: the end of a caller's line → the first frame of the agent's answer, p50, p99 (ms),
    /// and the answers measured (see <see cref="AnswerLatencyMeter"/>).
    /// </summary>
    public (double? P50, double? P99, long Count) AnswerLatency { get; init; }

    /// <summary>
    /// Offline runs: the agent's answers (from the calls' records) and how many answered the line the caller said (the
    /// recognizer heard it); null when the engine does not recognise speech (the Realtime simulator reports scripted
    /// transcripts).
    /// </summary>
    public (int Understood, int Answers)? AgentAnswers { get; init; }

    /// <summary>Why each figure that is null was not measured, by its JSON name (e.g. <c>bargeInReactionMs</c>).</summary>
    public IReadOnlyDictionary<string, string> NotMeasured { get; init; } = new Dictionary<string, string>();

    /// <summary><see cref="CpuPercent"/> divided by the calls.</summary>
    public required double? CpuPercentPerCall { get; init; }

    /// <summary>
    /// The worker process's CPU, percent of one core: while all calls were up when <see cref="CpuAllCallsUp"/>, else over
    /// the whole run (ramp and hang-ups included, so it understates the cost of a call).
    /// </summary>
    public required double? CpuPercent { get; init; }

    /// <summary>Whether <see cref="CpuPercent"/> was measured while every call was up.</summary>
    public bool CpuAllCallsUp { get; init; }

    /// <summary>(The worker's peak resident memory − its resident memory before the first call) / calls, MB.</summary>
    public required double RssMbPerCall { get; init; }

    /// <summary>The worker's resident memory before the first call and at its peak, MB.</summary>
    public required (double Baseline, double Peak) RssMb { get; init; }

    /// <summary>
    /// The worker's GC pauses: p99 (ms), the longest (at most this: the upper bound of its bucket on <c>/metrics</c>), and
    /// the pauses seen.
    /// </summary>
    public required (double? P99, double? Longest, long Count) GcPause { get; init; }

    /// <summary>
    /// What the worker allocated on its managed heap during the run, KB per call per second: what makes its collections
    /// (and their pauses) come often or seldom.
    /// </summary>
    public double? AllocatedKbPerCallSecond { get; init; }

    /// <summary>The most OS threads in the worker.</summary>
    public required int Threads { get; init; }

    /// <summary>The most thread-pool threads in the worker.</summary>
    public required int PoolThreads { get; init; }

    /// <summary>The longest queue of the worker's thread pool seen.</summary>
    public required long PoolQueuePeak { get; init; }

    /// <summary>
    /// Threads the worker's pool added because queued work was starving (pool threads blocked); null when the run did not
    /// count them (<see cref="LoadOptions.CountStarvation"/>).
    /// </summary>
    public required long? StarvationInjections { get; init; }

    /// <summary>
    /// CPU of this process, percent of one core, over the same time as <see cref="CpuPercent"/>: the simulators, the
    /// Functions app and the callers that load the worker (not a cost of the gateway; it shares the machine's cores).
    /// </summary>
    public double? HarnessCpuPercent { get; init; }

    /// <summary>
    /// This process's GC pause p99, ms: the callers measure jitter here, so a pause of theirs shows in the jitter as if
    /// the worker had been late.
    /// </summary>
    public double? HarnessGcPauseP99 { get; init; }

    /// <summary>
    /// How late a thread of this process woke for a 20 ms step, p50, p99 and the longest (ms): the scheduling floor the
    /// machine gave the harness during the run (<see cref="Core.Diagnostics.WakeLatenessProbe"/>). The callers' jitter cannot be lower.
    /// </summary>
    public (double? P50, double? P99, double? Max) HarnessWakeLateness { get; init; }

    /// <summary>Processor cores.</summary>
    public required int Cores { get; init; }

    /// <summary>How long the run took, stack start-up excluded.</summary>
    public required TimeSpan Elapsed { get; init; }

    /// <summary>Memory over the run, one sample per interval and one after every call ended (empty when not sampled).</summary>
    public IReadOnlyList<MemorySample> Memory { get; init; } = [];

    /// <summary>The managed heap's slope while every call was up, MB per hour; null with too few samples.</summary>
    public double? HeapSlopeMbPerHour { get; init; }

    /// <summary>Audio buffers still rented after every call ended, beyond those held before the first call.</summary>
    public long? PooledBuffersLeaked { get; init; }
}
