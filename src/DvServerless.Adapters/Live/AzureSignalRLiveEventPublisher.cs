using System.Diagnostics.Metrics;
using System.Net;
using System.Threading.Channels;
using DvServerless.Core.Live;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DvServerless.Adapters.Live;

/// <summary>
/// <see cref="ILiveEventPublisher"/> over Azure SignalR Service's REST API, for an app that holds no hub (the Functions
/// app): <see cref="Publish"/> only queues (a bounded queue; a full one drops the event and counts it, so a request never
/// waits on a dashboard), and this service, running in the background, sends each event to every group of
/// <see cref="LiveGroups.For"/> with hub <see cref="HubName"/>. A refused or failed send is logged (the status or the
/// error type, never the token) and the event is dropped: live events are not worth retrying for long.
/// </summary>
public sealed partial class AzureSignalRLiveEventPublisher : BackgroundService, ILiveEventPublisher
{
    /// <summary>The hub the worker serves (<c>LiveHub.Name</c>).</summary>
    public const string HubName = "live";

    /// <summary>The default queue length.</summary>
    public const int DefaultCapacity = 4096;

    /// <summary>The meter of <see cref="DroppedCounterName"/>.</summary>
    public const string MeterName = "DvServerless.Live";

    /// <summary>Events dropped because the queue was full or the send failed.</summary>
    public const string DroppedCounterName = "dvs.live.events.dropped";

    // Failures come in bursts (the service is down): one log line per interval, with the count of those not logged.
    private static readonly TimeSpan FailureLogInterval = TimeSpan.FromMinutes(1);

    private readonly Channel<LiveEvent> _queue;
    private readonly AzureSignalRRestClient _client;
    private readonly TimeProvider _time;
    private readonly ILogger<AzureSignalRLiveEventPublisher> _logger;
    private readonly Counter<long>? _dropped;
    private long _droppedCount;
    private long _sentCount;
    private DateTimeOffset _lastFailureLog = DateTimeOffset.MinValue;
    private int _unloggedFailures;
    private DateTimeOffset _lastFullLog = DateTimeOffset.MinValue;

    /// <summary>Creates the publisher; <paramref name="meterFactory"/> (optional) carries the drop counter.</summary>
    public AzureSignalRLiveEventPublisher(AzureSignalRRestClient client, TimeProvider timeProvider, ILogger<AzureSignalRLiveEventPublisher> logger,
        IMeterFactory? meterFactory = null, int capacity = DefaultCapacity)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _client = client;
        _time = timeProvider;
        _logger = logger;
        _queue = Channel.CreateBounded<LiveEvent>(new BoundedChannelOptions(capacity)
        {
            // TryWrite never waits; in this mode it answers false when the queue is full, which is the drop signal.
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = false,
        });
        _dropped = meterFactory?.Create(MeterName).CreateCounter<long>(DroppedCounterName, "{event}", "Live events dropped: queue full or send failed.");
    }

    /// <summary>The service the events go to.</summary>
    public Uri Endpoint => _client.Endpoint;

    /// <summary>Events dropped so far (queue full or send failed).</summary>
    public long Dropped => Interlocked.Read(ref _droppedCount);

    /// <summary>Group sends the service accepted so far.</summary>
    public long Sent => Interlocked.Read(ref _sentCount);

    /// <inheritdoc />
    public bool Publish(LiveEvent liveEvent)
    {
        ArgumentNullException.ThrowIfNull(liveEvent);
        if (_queue.Writer.TryWrite(liveEvent))
        {
            return true;
        }

        CountDrop();
        LogQueueFullThrottled();
        return false;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        LogStarted(_client.Endpoint);
        try
        {
            await foreach (var liveEvent in _queue.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                await SendAsync(liveEvent, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: what is still queued is dropped with the process.
        }
    }

    private async Task SendAsync(LiveEvent liveEvent, CancellationToken stoppingToken)
    {
        var body = LiveEventJson.SendBody(liveEvent);
        foreach (var group in LiveGroups.For(liveEvent.TenantId))
        {
            try
            {
                var status = await _client.SendToGroupAsync(HubName, group, body, stoppingToken).ConfigureAwait(false);
                if ((int)status is >= 200 and < 300)
                {
                    Interlocked.Increment(ref _sentCount);
                    continue;
                }

                CountDrop();
                LogFailureThrottled(group, liveEvent.Type, "HTTP " + ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture) + " " + status);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // Network errors, timeouts, an open circuit, a credential that cannot get a token: the loop goes on.
                CountDrop();
                LogFailureThrottled(group, liveEvent.Type, e.GetType().Name);
            }
        }
    }

    private void CountDrop()
    {
        Interlocked.Increment(ref _droppedCount);
        _dropped?.Add(1);
    }

    private void LogFailureThrottled(string group, string type, string failure)
    {
        var now = _time.GetUtcNow();
        if (now - _lastFailureLog < FailureLogInterval)
        {
            _unloggedFailures++;
            return;
        }

        _lastFailureLog = now;
        LogSendFailed(type, group, failure, _unloggedFailures);
        _unloggedFailures = 0;
    }

    private void LogQueueFullThrottled()
    {
        // Called from any request thread; a rare duplicate line is fine, a lock is not worth it.
        var now = _time.GetUtcNow();
        if (now - _lastFullLog < FailureLogInterval)
        {
            return;
        }

        _lastFullLog = now;
        LogQueueFull(Dropped);
    }

    [LoggerMessage(EventId = 6200, Level = LogLevel.Information, Message = "Live events go to Azure SignalR Service at {Endpoint}, hub 'live'.")]
    private partial void LogStarted(Uri endpoint);

    [LoggerMessage(EventId = 6201, Level = LogLevel.Warning, Message = "Live event {Type} to group {Group} was not delivered ({Failure}) and is dropped; {Unlogged} more failures since the last report.")]
    private partial void LogSendFailed(string type, string group, string failure, int unlogged);

    [LoggerMessage(EventId = 6202, Level = LogLevel.Warning, Message = "The live event queue is full; events are dropped ({Dropped} so far).")]
    private partial void LogQueueFull(long dropped);
}
