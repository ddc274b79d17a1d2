using DvServerless.Core.Diagnostics;
using Microsoft.Extensions.Hosting;

namespace DvServerless.MediaWorker.Hosting;

/// <summary>
/// Runs a <see cref="WakeLatenessProbe"/> for the worker's lifetime and records each wake-up's lateness on
/// <see cref="MediaWorkerMetrics.WakeLatenessInstrument"/>. Frames are paced to 20 ms steps; when callers hear jitter, this
/// figure says whether the machine woke the worker late (shared cores, a CPU-throttled container) or the worker was slow.
/// </summary>
public sealed class WakeLatenessMonitor : IHostedService, IDisposable
{
    private readonly MediaWorkerMetrics _metrics;
    private WakeLatenessProbe? _probe;

    /// <summary>Creates the monitor over the worker's instruments.</summary>
    public WakeLatenessMonitor(MediaWorkerMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        _metrics = metrics;
    }

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _probe ??= WakeLatenessProbe.Start(_metrics.WakeLateness, "dvs worker wake probe");
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Interlocked.Exchange(ref _probe, null)?.Dispose();
    }
}
