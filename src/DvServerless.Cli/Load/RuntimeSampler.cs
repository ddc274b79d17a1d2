using System.Diagnostics;

namespace DvServerless.Cli.Load;

/// <summary>
/// Samples this process while a load runs: the thread pool's queue of waiting work items and its threads every 50 ms
/// (a queue builds and drains fast), resident memory and OS threads every 250 ms; keeps the peaks and the CPU and memory of a marked window (the
/// time all calls were up).
/// </summary>
public sealed class RuntimeSampler : IAsyncDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);
    private const int ProcessEvery = 5;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly object _gate = new();
    private (TimeSpan Cpu, long Wall)? _windowStart;
    private (TimeSpan Cpu, long Wall)? _windowEnd;

    private readonly (TimeSpan Cpu, long Wall) _startedAt;

    /// <summary>Starts sampling; the memory baseline is taken now.</summary>
    public RuntimeSampler()
    {
        BaselineRssBytes = Environment.WorkingSet;
        _startedAt = Now();
        _loop = Task.Run(() => RunAsync(_stop.Token));
    }

    /// <summary>Resident memory when sampling started (the stack up, no calls).</summary>
    public long BaselineRssBytes { get; }

    /// <summary>The most resident memory seen.</summary>
    public long PeakRssBytes { get; private set; }

    /// <summary>The most OS threads seen.</summary>
    public int PeakThreads { get; private set; }

    /// <summary>The most thread-pool threads seen.</summary>
    public int PeakPoolThreads { get; private set; }

    /// <summary>The longest thread-pool queue seen (work items waiting for a thread).</summary>
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
    /// CPU used as a percentage of one core (100 = one core busy): in the window when it lasted at least
    /// <see cref="MinimumWindow"/> (CPU time is counted in 10 ms steps: a shorter window says little), else from the
    /// start of sampling until now, and whether it was the window.
    /// </summary>
    public (double Percent, bool InWindow) CpuPercent()
    {
        lock (_gate)
        {
            var now = Now();
            if (_windowStart is { } start)
            {
                var end = _windowEnd ?? now;
                var window = Stopwatch.GetElapsedTime(start.Wall, end.Wall);
                if (window >= MinimumWindow)
                {
                    return ((end.Cpu - start.Cpu) / window * 100, true);
                }
            }

            var wall = Stopwatch.GetElapsedTime(_startedAt.Wall, now.Wall);
            return (wall <= TimeSpan.Zero ? 0 : (now.Cpu - _startedAt.Cpu) / wall * 100, false);
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

    private static (TimeSpan Cpu, long Wall) Now()
    {
        using var process = Process.GetCurrentProcess();
        return (process.TotalProcessorTime, Stopwatch.GetTimestamp());
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(Interval);
        var tick = 0;
        do
        {
            PeakPoolThreads = Math.Max(PeakPoolThreads, ThreadPool.ThreadCount);
            PeakPoolQueue = Math.Max(PeakPoolQueue, ThreadPool.PendingWorkItemCount);
            if (tick++ % ProcessEvery == 0)
            {
                using var process = Process.GetCurrentProcess();
                PeakRssBytes = Math.Max(PeakRssBytes, process.WorkingSet64);
                PeakThreads = Math.Max(PeakThreads, process.Threads.Count);
            }
        }
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false));
    }
}
