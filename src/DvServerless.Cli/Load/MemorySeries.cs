using System.Diagnostics;

namespace DvServerless.Cli.Load;

/// <summary>
/// Samples the worker's memory every <c>interval</c> while a load runs, so a soak shows whether the gateway's memory is
/// flat: resident memory, the managed heap after the last collection, full collections, live calls and audio buffers
/// not yet returned. The slope of the heap over the samples taken while every call was up says whether something grows
/// with time. The worker runs in its own process, so the simulators' growing conversations are not in these figures.
/// </summary>
public sealed class MemorySeries : IAsyncDisposable
{
    private readonly List<MemorySample> _samples = [];
    private readonly WorkerProbe _worker;
    private readonly Func<int> _liveCalls;
    private readonly long _started = Stopwatch.GetTimestamp();
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;

    private MemorySeries(WorkerProbe worker, Func<int> liveCalls)
    {
        _worker = worker;
        _liveCalls = liveCalls;
    }

    /// <summary>Audio buffers outstanding in the worker before any call (buffers it holds at rest).</summary>
    public long BaselinePooledBuffers { get; private set; }

    /// <summary>The samples so far.</summary>
    public IReadOnlyList<MemorySample> Samples
    {
        get
        {
            lock (_samples)
            {
                return _samples.ToArray();
            }
        }
    }

    /// <summary>
    /// Reads the worker's buffers at rest, then samples <paramref name="worker"/> every <paramref name="interval"/>;
    /// <paramref name="liveCalls"/> says how many calls are up.
    /// </summary>
    public static async Task<MemorySeries> StartAsync(WorkerProbe worker, TimeSpan interval, Func<int> liveCalls, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(worker);
        ArgumentNullException.ThrowIfNull(liveCalls);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        var series = new MemorySeries(worker, liveCalls);
        var rest = await worker.ScrapeAsync(cancellationToken).ConfigureAwait(false);
        series.BaselinePooledBuffers = (long)rest.Sum(WorkerMetricNames.PooledBuffersOutstanding);
        series._loop = series.RunAsync(interval, series._stop.Token);
        return series;
    }

    /// <summary>The sampling interval for a run of <paramref name="duration"/>: a minute for a soak, else ten seconds.</summary>
    public static TimeSpan IntervalFor(TimeSpan duration) => duration >= TimeSpan.FromMinutes(10) ? TimeSpan.FromMinutes(1) : TimeSpan.FromSeconds(10);

    /// <summary>Takes one sample now (also the last one, after every call ended).</summary>
    public async Task<MemorySample> SampleAsync(CancellationToken cancellationToken)
    {
        var scrape = await _worker.ScrapeAsync(cancellationToken).ConfigureAwait(false);
        var process = _worker.ReadProcess();
        var sample = new MemorySample(
            Math.Round(Stopwatch.GetElapsedTime(_started).TotalSeconds, 1),
            Math.Round(process.RssBytes / 1048576.0, 1),
            Math.Round(scrape.Sum(WorkerMetricNames.HeapSize) / 1048576.0, 1),
            (int)scrape.Sum(WorkerMetricNames.Collections, "gc_heap_generation", "gen2"),
            _liveCalls(),
            (long)scrape.Sum(WorkerMetricNames.PooledBuffersOutstanding));
        lock (_samples)
        {
            _samples.Add(sample);
        }

        return sample;
    }

    /// <summary>
    /// The least-squares slope of the managed heap, MB per hour, over the samples with every one of <paramref name="calls"/>
    /// up (the ramp and the hang-ups left out); null with fewer than three such samples.
    /// </summary>
    public static double? HeapSlopeMbPerHour(IReadOnlyList<MemorySample> samples, int calls)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var steady = samples.Where(s => s.LiveCalls >= calls).ToList();
        if (steady.Count < 3)
        {
            return null;
        }

        var meanX = steady.Average(s => s.AtSeconds);
        var meanY = steady.Average(s => s.GcHeapMb);
        var covariance = steady.Sum(s => (s.AtSeconds - meanX) * (s.GcHeapMb - meanY));
        var variance = steady.Sum(s => (s.AtSeconds - meanX) * (s.AtSeconds - meanX));
        return variance == 0 ? null : covariance / variance * 3600;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    private async Task RunAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval);
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            try
            {
                await SampleAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException)
            {
                // The worker did not answer this once; the series goes on without the point.
            }
        }
    }
}
