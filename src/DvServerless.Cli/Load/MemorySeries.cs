using System.Diagnostics;
using DvServerless.Core.Audio;

namespace DvServerless.Cli.Load;

/// <summary>
/// Samples memory every <c>interval</c> while a load runs, so a soak shows whether memory is flat: resident memory, the
/// managed heap after the last collection, full collections, live calls and audio buffers not yet returned. The slope
/// of the heap over the samples taken while every call was up says whether something grows with time.
/// </summary>
public sealed class MemorySeries : IAsyncDisposable
{
    private readonly List<MemorySample> _samples = [];
    private readonly Func<int> _liveCalls;
    private readonly long _started = Stopwatch.GetTimestamp();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    /// <summary>Starts sampling every <paramref name="interval"/>; <paramref name="liveCalls"/> says how many calls are up.</summary>
    public MemorySeries(TimeSpan interval, Func<int> liveCalls)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        _liveCalls = liveCalls;
        BaselinePooledBuffers = PooledBuffers.Outstanding;
        _loop = RunAsync(interval, _stop.Token);
    }

    /// <summary>Audio buffers outstanding before any call (buffers the stack itself holds).</summary>
    public long BaselinePooledBuffers { get; }

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

    /// <summary>The sampling interval for a run of <paramref name="duration"/>: a minute for a soak, else ten seconds.</summary>
    public static TimeSpan IntervalFor(TimeSpan duration) => duration >= TimeSpan.FromMinutes(10) ? TimeSpan.FromMinutes(1) : TimeSpan.FromSeconds(10);

    /// <summary>Takes one sample now (also the last one, after every call ended).</summary>
    public MemorySample Sample()
    {
        using var process = Process.GetCurrentProcess();
        var sample = new MemorySample(
            Math.Round(Stopwatch.GetElapsedTime(_started).TotalSeconds, 1),
            Math.Round(process.WorkingSet64 / 1048576.0, 1),
            Math.Round(GC.GetGCMemoryInfo().HeapSizeBytes / 1048576.0, 1),
            GC.CollectionCount(2),
            _liveCalls(),
            PooledBuffers.Outstanding);
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
            Sample();
        }
    }
}
