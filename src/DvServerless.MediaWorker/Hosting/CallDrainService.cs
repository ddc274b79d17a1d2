using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DvServerless.MediaWorker.Hosting;

/// <summary>
/// Drains calls on SIGTERM. <see cref="IHostedLifecycleService.StoppingAsync"/> runs before any hosted service (Kestrel
/// included) stops, so while it waits the server still answers: new media sockets get 503, running calls go on for up to
/// <see cref="MediaWorkerOptions.DrainTimeout"/>, and the calls still running then are ended.
/// </summary>
public sealed partial class CallDrainService(ActiveCalls calls, IOptions<MediaWorkerOptions> options, TimeProvider timeProvider, ILogger<CallDrainService> logger)
    : IHostedLifecycleService
{
    /// <inheritdoc />
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        var timeout = options.Value.DrainTimeout;
        LogDraining(calls.Count, timeout.TotalSeconds);
        var left = await calls.DrainAsync(timeout, timeProvider, cancellationToken).ConfigureAwait(false);
        if (left > 0)
        {
            LogCuttingOff(left);
            calls.CutOffRemaining();
        }
    }

    /// <inheritdoc />
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "Draining: {Calls} active calls, waiting up to {TimeoutSeconds} s")]
    private partial void LogDraining(int calls, double timeoutSeconds);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Warning, Message = "Drain timeout: ending {Calls} calls still running")]
    private partial void LogCuttingOff(int calls);
}
