using System.Threading.Channels;
using DvServerless.Core.Live;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DvServerless.MediaWorker.Live;

/// <summary>
/// The worker's <see cref="ILiveEventPublisher"/>: <see cref="Publish"/> queues, and a background loop records each event
/// on <see cref="LiveCallBoard"/> and sends it to its groups (<see cref="LiveGroups.For"/>) on <see cref="LiveHub"/> with
/// the event's type as the target.
/// </summary>
/// <remarks>
/// The queue holds <see cref="Capacity"/> events; when dashboards (or Azure SignalR Service) fall that far behind, new
/// events are dropped and counted (<c>dvs.live.events.dropped</c>) rather than slowing a call. A failed send is counted
/// and logged at most once per <see cref="FailureLogInterval"/>, and the loop goes on.
/// </remarks>
public sealed partial class LiveHubPublisher : BackgroundService, ILiveEventPublisher
{
    /// <summary>How many events may wait to be sent.</summary>
    public const int Capacity = 8192;

    /// <summary>The least time between two logs of failed sends.</summary>
    public static readonly TimeSpan FailureLogInterval = TimeSpan.FromMinutes(1);

    // Wait mode with TryWrite only: a full queue makes TryWrite return false at once (nothing ever waits), so Publish
    // can report and count the drop; DropWrite would claim success for the event it threw away.
    private readonly Channel<LiveEvent> _queue = Channel.CreateBounded<LiveEvent>(
        new BoundedChannelOptions(Capacity) { SingleReader = true, SingleWriter = false, FullMode = BoundedChannelFullMode.Wait });

    private readonly IHubContext<LiveHub> _hub;
    private readonly LiveCallBoard _board;
    private readonly LiveMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<LiveHubPublisher> _logger;
    private DateTimeOffset _lastFailureLog = DateTimeOffset.MinValue;
    private int _failuresSinceLog;

    /// <summary>Creates the publisher.</summary>
    public LiveHubPublisher(IHubContext<LiveHub> hub, LiveCallBoard board, LiveMetrics metrics, TimeProvider timeProvider, ILogger<LiveHubPublisher> logger)
    {
        ArgumentNullException.ThrowIfNull(hub);
        ArgumentNullException.ThrowIfNull(board);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _hub = hub;
        _board = board;
        _metrics = metrics;
        _time = timeProvider;
        _logger = logger;
    }

    /// <inheritdoc />
    public bool Publish(LiveEvent liveEvent)
    {
        if (liveEvent is not null && _queue.Writer.TryWrite(liveEvent))
        {
            return true;
        }

        _metrics.EventDropped();
        return false;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var liveEvent in _queue.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                _board.Record(liveEvent);
                await SendAsync(liveEvent, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: events still queued are not worth delaying the shutdown for.
        }
        finally
        {
            _queue.Writer.TryComplete();
        }
    }

    private async Task SendAsync(LiveEvent liveEvent, CancellationToken cancellationToken)
    {
        try
        {
            await _hub.Clients.Groups(LiveGroups.For(liveEvent.TenantId)).SendAsync(liveEvent.Type, liveEvent, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _metrics.SendFailed();
            _failuresSinceLog++;
            var now = _time.GetUtcNow();
            if (now - _lastFailureLog >= FailureLogInterval)
            {
                LogSendFailed(_failuresSinceLog, ex.GetType().Name, ex.Message);
                _lastFailureLog = now;
                _failuresSinceLog = 0;
            }
        }
    }

    [LoggerMessage(EventId = 6101, Level = LogLevel.Warning,
        Message = "Live events could not be sent to dashboards ({Failures} since the last report; the last: {Error}: {Detail}); calls go on.")]
    private partial void LogSendFailed(int failures, string error, string detail);
}
