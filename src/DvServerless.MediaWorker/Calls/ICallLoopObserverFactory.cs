namespace DvServerless.MediaWorker.Calls;

/// <summary>
/// Makes a per-call <see cref="ICallLoopObserver"/> for every call loop the worker runs (metrics and live events, traces).
/// Registered in the worker's container; each registered factory is asked once per call.
/// </summary>
public interface ICallLoopObserverFactory
{
    /// <summary>The observer for <paramref name="context"/>, or null to stay out of it.</summary>
    ICallLoopObserver? Create(CallContext context);
}
