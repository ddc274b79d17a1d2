
namespace DvServerless.Cli.Load;

/// <summary>Joins the calls' outcomes and every measurement of a run into its <see cref="LoadReport"/>.</summary>
public static class LoadReportBuilder
{
    private const double Megabyte = 1024 * 1024;

    /// <summary>
    /// Builds the report of a finished run; <paramref name="gcPauses"/> holds the run's garbage-collection pauses and
    /// <paramref name="starvationInjections"/> the threads the pool added for starvation during it;
    /// <paramref name="memory"/>'s last sample is the one after every call ended.
    /// </summary>
    public static LoadReport Build(LoadOptions options, IReadOnlyList<LoadCallOutcome> outcomes, LoadMeasurements measurements, WorkerMeasurements worker,
        long starvationInjections, LatencyHistogram gcPauses, RuntimeSampler sampler, TimeSpan elapsed, MemorySeries? memory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(outcomes);
        ArgumentNullException.ThrowIfNull(measurements);
        ArgumentNullException.ThrowIfNull(worker);
        ArgumentNullException.ThrowIfNull(gcPauses);
        ArgumentNullException.ThrowIfNull(sampler);
        var calls = Math.Max(1, options.Calls);
        var (cpu, inWindow) = sampler.CpuPercent();
        ThreadPool.GetMinThreads(out var minWorkers, out _);
        var jitter = measurements.Jitter;
        var samples = memory?.Samples ?? [];
        return new LoadReport
        {
            Calls = options.Calls,
            Completed = outcomes.Count(outcome => outcome.Completed),
            Failed = outcomes.Count(outcome => !outcome.Completed),
            Failures = outcomes.Where(outcome => !outcome.Completed).OrderBy(outcome => outcome.Index).ToArray(),
            Jitter = (jitter.Percentile(50), jitter.Percentile(95), jitter.Percentile(99), jitter.Count),
            GatewayLatency = (worker.GatewayLatency.Percentile(50), worker.GatewayLatency.Percentile(99), worker.GatewayLatency.Count),
            BargeInReaction = (worker.BargeInReaction.Percentile(99), worker.BargeInReaction.Count),
            CallerBargeInReaction = (measurements.CallerBargeInReaction.Percentile(50), measurements.CallerBargeInReaction.Percentile(99)),
            CpuPercent = cpu,
            CpuAllCallsUp = inWindow,
            CpuPercentPerCall = cpu / calls,
            RssMb = (sampler.BaselineRssBytes / Megabyte, sampler.PeakRssBytes / Megabyte),
            RssMbPerCall = Math.Max(0, sampler.PeakRssBytes - sampler.BaselineRssBytes) / Megabyte / calls,
            GcPause = (gcPauses.Percentile(99), gcPauses.MaxMs, gcPauses.Count),
            StarvationInjections = starvationInjections,
            Threads = sampler.PeakThreads,
            PoolThreads = sampler.PeakPoolThreads,
            PoolQueuePeak = sampler.PeakPoolQueue,
            PoolMinThreads = minWorkers,
            Cores = Environment.ProcessorCount,
            Elapsed = elapsed,
            Memory = samples,
            HeapSlopeMbPerHour = MemorySeries.HeapSlopeMbPerHour(samples, options.Calls),
            PooledBuffersLeaked = memory is null || samples.Count == 0 ? null : samples[^1].PooledBuffersOutstanding - memory.BaselinePooledBuffers,
        };
    }
}
