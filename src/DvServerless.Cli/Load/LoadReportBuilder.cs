
namespace DvServerless.Cli.Load;

/// <summary>Joins the calls' outcomes and every measurement of a run into its <see cref="LoadReport"/>.</summary>
public static class LoadReportBuilder
{
    private const double Megabyte = 1024 * 1024;

    /// <summary>
    /// Builds the report of a finished run: the worker's histograms and counters are what its <c>/metrics</c> counted
    /// between <paramref name="before"/> (the stack up, no call) and <paramref name="after"/> (every call ended);
    /// <paramref name="harnessGcPauses"/> holds this process's garbage-collection pauses; <paramref name="memory"/>'s last
    /// sample is the one after every call ended.
    /// </summary>
    public static LoadReport Build(LoadOptions options, IReadOnlyList<LoadCallOutcome> outcomes, LoadMeasurements measurements,
        PrometheusScrape before, PrometheusScrape after, LatencyHistogram harnessGcPauses, RuntimeSampler sampler, TimeSpan elapsed,
        MemorySeries? memory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(outcomes);
        ArgumentNullException.ThrowIfNull(measurements);
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        ArgumentNullException.ThrowIfNull(harnessGcPauses);
        ArgumentNullException.ThrowIfNull(sampler);
        var calls = Math.Max(1, options.Calls);
        var (cpu, harnessCpu, inWindow) = sampler.CpuPercent();
        var jitter = measurements.Jitter;
        var gateway = Run(WorkerMetricNames.GatewayLatency);
        var bargeIn = Run(WorkerMetricNames.BargeInReaction);
        var gcPauses = Run(WorkerMetricNames.GcPause);
        var workerWake = Run(WorkerMetricNames.WakeLateness);
        var harnessWake = measurements.HarnessWakeLateness;
        var samples = memory?.Samples ?? [];
        var report = new LoadReport
        {
            Engine = options.Engine,
            Calls = options.Calls,
            Completed = outcomes.Count(outcome => outcome.Completed),
            Failed = outcomes.Count(outcome => !outcome.Completed),
            Failures = outcomes.Where(outcome => !outcome.Completed).OrderBy(outcome => outcome.Index).ToArray(),
            Jitter = (jitter.Percentile(50), jitter.Percentile(95), jitter.Percentile(99), jitter.Count),
            GatewayLatency = (gateway.Percentile(50), gateway.Percentile(99), gateway.Count),
            WorkerWakeLateness = (workerWake.Percentile(50), workerWake.Percentile(99)),
            BargeInReaction = (bargeIn.Percentile(99), bargeIn.Count),
            CallerBargeInReaction = (measurements.CallerBargeInReaction.Percentile(50), measurements.CallerBargeInReaction.Percentile(99)),
            AnswerLatency = (measurements.AnswerLatency.Percentile(50), measurements.AnswerLatency.Percentile(99), measurements.AnswerLatency.Count),
            AgentAnswers = LoadEngines.IsOffline(options.Engine) ? (measurements.UnderstoodAnswers, measurements.AgentAnswers) : null,
            CpuPercent = cpu,
            CpuAllCallsUp = inWindow,
            CpuPercentPerCall = cpu / calls,
            RssMb = (sampler.BaselineRssBytes / Megabyte, sampler.PeakRssBytes / Megabyte),
            RssMbPerCall = Math.Max(0, sampler.PeakRssBytes - sampler.BaselineRssBytes) / Megabyte / calls,
            GcPause = (gcPauses.Percentile(99), gcPauses.HighestBound(), gcPauses.Count),
            AllocatedKbPerCallSecond = elapsed > TimeSpan.Zero
                ? (after.Sum(WorkerMetricNames.AllocatedBytes) - before.Sum(WorkerMetricNames.AllocatedBytes)) / 1024 / calls / elapsed.TotalSeconds
                : null,
            StarvationInjections = options.CountStarvation
                ? (long)(after.Sum(WorkerMetricNames.Starvations) - before.Sum(WorkerMetricNames.Starvations))
                : null,
            Threads = sampler.PeakThreads,
            PoolThreads = sampler.PeakPoolThreads,
            PoolQueuePeak = sampler.PeakPoolQueue,
            HarnessCpuPercent = harnessCpu,
            HarnessGcPauseP99 = harnessGcPauses.Percentile(99),
            // Percentiles of an empty histogram are null already; its maximum reads 0, which is not a measurement.
            HarnessWakeLateness = (harnessWake.Percentile(50), harnessWake.Percentile(99), harnessWake.Count == 0 ? null : harnessWake.MaxMs),
            Cores = Environment.ProcessorCount,
            Elapsed = elapsed,
            Memory = samples,
            HeapSlopeMbPerHour = MemorySeries.HeapSlopeMbPerHour(samples, options.Calls),
            PooledBuffersLeaked = memory is null || samples.Count == 0 ? null : samples[^1].PooledBuffersOutstanding - memory.BaselinePooledBuffers,
        };
        return report with { NotMeasured = NotMeasured(report, options, measurements) };

        BucketHistogram Run(string name) => after.Histogram(name).Since(before.Histogram(name));
    }

    /// <summary>Why each null figure of <paramref name="report"/> is null, by its JSON name: a reader must not take it for zero.</summary>
    private static Dictionary<string, string> NotMeasured(LoadReport report, LoadOptions options, LoadMeasurements measurements)
    {
        var reasons = new Dictionary<string, string>(StringComparer.Ordinal);
        var bargeIn = measurements.FirstBargeIn is { } first
            ? $"no barge-in was measured: the caller speaks over the agent {first.TotalSeconds:0.0} s into each call, and the engine never stopped its answer for it"
            : $"no barge-in was measured: the calls ({options.Duration.TotalSeconds:0} s) end before a caller's first barge-in line";
        Add("jitterMs", report.Jitter.P99, "no agent frames past an item's opening burst reached the callers");
        Add("gatewayLatencyMs", report.GatewayLatency.P99, "the worker sent no agent frames");
        Add("wakeLatenessMs", report.WorkerWakeLateness.P99, "the worker's /metrics has no wake-up lateness (dvs.runtime.wake_lateness)");
        Add("bargeInReactionMs", report.BargeInReaction.P99, bargeIn);
        Add("answerLatencyMs", report.AnswerLatency.P99, "no agent answer reached a caller before the caller's next line");
        Add("cpuPercentPerCall", report.CpuPercentPerCall, "the worker's CPU time could not be read");
        Add("gcPauseMsP99", report.GcPause.P99, "the worker collected no garbage during the run");
        Add("allocatedKbPerCallSecond", report.AllocatedKbPerCallSecond, "the run took no time");
        Add("threadPoolStarvations", report.StarvationInjections, "not counted (--count-starvation counts them)");
        Add("heapSlopeMbPerHour", report.HeapSlopeMbPerHour, "too few memory samples while every call was up");
        Add("harness.gcPauseMsP99", report.HarnessGcPauseP99, "the harness collected no garbage during the run");
        Add("harness.wakeLatenessMs", report.HarnessWakeLateness.P99, "the run ended before the wake-up probe's first step");
        if (report.AgentAnswers is null)
        {
            reasons["agentAnswers"] = "the Realtime simulator does not recognise speech: it reports scripted transcripts";
        }

        return reasons;

        void Add(string name, double? value, string reason)
        {
            if (value is not { } number || !double.IsFinite(number))
            {
                reasons[name] = reason;
            }
        }
    }
}
