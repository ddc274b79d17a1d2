using DvServerless.MediaWorker.Calls;

namespace DvServerless.MediaWorker.Telemetry;

/// <summary>
/// Gives a call loop a <see cref="CallTraceObserver"/> when something listens to <see cref="CallTraceSource"/> (an exporter
/// is configured, or a test listens); otherwise none, so a worker that exports no traces spends nothing on them.
/// </summary>
public sealed class CallTraceObserverFactory : ICallLoopObserverFactory
{
    private readonly TimeProvider _time;

    /// <summary>Creates the factory.</summary>
    public CallTraceObserverFactory(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _time = timeProvider;
    }

    /// <inheritdoc />
    public ICallLoopObserver? Create(CallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return CallTraceSource.Source.HasListeners() ? new CallTraceObserver(context, _time) : null;
    }
}
