using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DvServerless.MediaWorker.Hosting;

/// <summary>
/// Drains calls on SIGTERM. <see cref="IHostedLifecycleService.StoppingAsync"/> runs before any hosted service (Kestrel
/// included) stops, so while it waits the server still answers: <c>/readyz</c> and new media sockets get 503, running
/// calls go on for up to <see cref="MediaWorkerOptions.DrainTimeout"/>; the calls still running then hear
/// <see cref="MediaWorkerOptions.DrainGoodbye"/> and are hung up, and those still up after
/// <see cref="MediaWorkerOptions.DrainGoodbyeTimeout"/> are cut off.
/// </summary>
public sealed partial class CallDrainService(ActiveCalls calls, CallDrainGoodbye goodbye, IOptions<MediaWorkerOptions> options, TimeProvider timeProvider,
    ILogger<CallDrainService> logger) : IHostedLifecycleService
{
    /// <inheritdoc />
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        var timeout = options.Value.DrainTimeout;
        LogDraining(calls.Count, timeout.TotalSeconds);
        var left = await calls.DrainAsync(timeout, timeProvider, cancellationToken).ConfigureAwait(false);
        if (left == 0)
        {
            LogDrained();
            return;
        }

        var goodbyeTimeout = options.Value.DrainGoodbyeTimeout;
        using (var goodbyeBudget = new CancellationTokenSource(goodbyeTimeout, timeProvider))
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, goodbyeBudget.Token))
        {
            var asked = await goodbye.SayToAllAsync(linked.Token).ConfigureAwait(false);
            LogSayingGoodbye(asked, left);
            // One budget for the synthesis and the playout: what remains of it is the wait for the goodbyes to be heard.
            left = await calls.DrainAsync(Timeout.InfiniteTimeSpan, timeProvider, linked.Token).ConfigureAwait(false);
        }

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

    [LoggerMessage(EventId = 8902, Level = LogLevel.Information, Message = "Drained: no call left")]
    private partial void LogDrained();

    [LoggerMessage(EventId = 8903, Level = LogLevel.Information, Message = "Drain timeout: saying goodbye to {Asked} of {Calls} calls still running, then hanging up")]
    private partial void LogSayingGoodbye(int asked, int calls);
}
