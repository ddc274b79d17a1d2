using System.Diagnostics;

namespace DvServerless.Cli.Load;

/// <summary>
/// Samples the worker process while a load runs: resident memory and OS threads every 250 ms, its thread pool (threads,
/// queued work items) from its <c>/metrics</c> every second; keeps the peaks, and the CPU of the worker and of this
/// process (the simulators, the Functions app and the callers) over a marked window (the time all calls were up).
/// </summary>
public sealed class RuntimeSampler : IAsyncDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);
    private const int ScrapeEvery = 4;
    private readonly WorkerProbe _worker;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly object _gate = new();
    private readonly CpuReading _startedAt;
    private CpuReading? _windowStart;
    private CpuReading? _windowEnd;

    /// <summary>Starts sampling <paramref name="worker"/>; the memory baseline is taken now.</summary>
    public RuntimeSampler(WorkerProbe worker)
    {
        ArgumentNullException.ThrowIfNull(worker);
        _worker = worker;
        var first = worker.ReadProcess();
        BaselineRssBytes = first.RssBytes;
        PeakRssBytes = first.RssBytes;
        PeakThreads = first.Threads;
        _startedAt = Now();
        _loop = Task.Run(() => RunAsync(_stop.Token));
    }

    /// <summary>The worker's resident memory when sampling started (the stack up, no calls).</summary>
    public long BaselineRssBytes { get; }

    /// <summary>The most resident memory the worker used.</summary>
    public long PeakRssBytes { get; private set; }

    /// <summary>The most OS threads the worker had.</summary>
    public int PeakThreads { get; private set; }

    /// <summary>The most thread-pool threads the worker had (read every second).</summary>
    public int PeakPoolThreads { get; private set; }

    /// <summary>The longest queue of work items waiting for a worker's pool thread (read every second).</summary>
    public long PeakPoolQueue { get; private set; }

    /// <summary>Starts the measured window (all calls up).</summary>
    public void MarkWindowStart()
    {
        lock (_gate)
        {
            _windowStart ??= Now();
        }
    }

    /// <summary>Ends the measured window (the first call ended).</summary>
    public void MarkWindowEnd()
    {
        lock (_gate)
        {
            if (_windowStart is not null)
            {
                _windowEnd ??= Now();
            }
        }
    }

    /// <summary>
    /// CPU used by the worker and by this process, as percentages of one core (100 = one core busy): in the window when it
    /// lasted at least <see cref="MinimumWindow"/> (CPU time is counted in 10 ms steps: a shorter window says little),
    /// else from the start of sampling until now, and whether it was the window.
    /// </summary>
    public (double Worker, double Harness, bool InWindow) CpuPercent()
    {
        lock (_gate)
        {
            var now = Now();
            var (from, to, inWindow) = _windowStart is { } start && Stopwatch.GetElapsedTime(start.Wall, (_windowEnd ?? now).Wall) >= MinimumWindow
                ? (start, _windowEnd ?? now, true)
                : (_startedAt, now, false);
            var wall = Stopwatch.GetElapsedTime(from.Wall, to.Wall);
            return wall <= TimeSpan.Zero
                ? (0, 0, inWindow)
                : ((to.Worker - from.Worker) / wall * 100, (to.Harness - from.Harness) / wall * 100, inWindow);
        }
    }

    /// <summary>The shortest window whose CPU figure is used.</summary>
    public static TimeSpan MinimumWindow { get; } = TimeSpan.FromSeconds(3);

    /// <summary>Stops sampling.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    private CpuReading Now()
    {
        using var self = Process.GetCurrentProcess();
        return new CpuReading(_worker.ReadProcess().Cpu, self.TotalProcessorTime, Stopwatch.GetTimestamp());
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(Interval);
        var tick = 0;
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            var process = _worker.ReadProcess();
            PeakRssBytes = Math.Max(PeakRssBytes, process.RssBytes);
            PeakThreads = Math.Max(PeakThreads, process.Threads);
            if (++tick % ScrapeEvery != 0)
            {
                continue;
            }

            try
            {
                var scrape = await _worker.ScrapeAsync(cancellationToken).ConfigureAwait(false);
                PeakPoolThreads = Math.Max(PeakPoolThreads, (int)scrape.Sum(WorkerMetricNames.PoolThreads));
                PeakPoolQueue = Math.Max(PeakPoolQueue, (long)scrape.Sum(WorkerMetricNames.PoolQueue));
            }
            catch (HttpRequestException)
            {
                // A scrape the worker did not answer (it is busy or ending): the next one counts.
            }
        }
    }

    private sealed record CpuReading(TimeSpan Worker, TimeSpan Harness, long Wall);
}
