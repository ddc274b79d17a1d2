using DvServerless.Core.Live;
using DvServerless.MediaWorker.Calls;
using Microsoft.Extensions.Logging;

namespace DvServerless.MediaWorker.Telemetry;

/// <summary>Gives every call loop its <see cref="CallTelemetry"/>.</summary>
public sealed class CallTelemetryFactory : ICallLoopObserverFactory
{
    private readonly VoiceMetrics _metrics;
    private readonly ILiveEventPublisher _live;
    private readonly TimeProvider _time;
    private readonly ILogger<CallTelemetry> _logger;

    /// <summary>Creates the factory; without a live hub registered, events are dropped.</summary>
    public CallTelemetryFactory(VoiceMetrics metrics, TimeProvider timeProvider, ILogger<CallTelemetry> logger, ILiveEventPublisher? live = null)
    {
        _metrics = metrics;
        _time = timeProvider;
        _logger = logger;
        _live = live ?? DiscardingLiveEventPublisher.Instance;
    }

    /// <inheritdoc />
    public ICallLoopObserver? Create(CallContext context) => new CallTelemetry(context, _metrics, _live, _time, _logger);
}
