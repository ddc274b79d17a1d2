using DvServerless.Core.Engines;
using DvServerless.Core.Records;
using Microsoft.Extensions.Logging;

namespace DvServerless.MediaWorker.Calls;

/// <summary>
/// Several observers seen as one, each call guarded: an observer that throws is logged once and skipped for that call
/// only, so a broken dashboard feed never breaks a call.
/// </summary>
internal sealed partial class CallLoopObservers : ICallLoopObserver
{
    private readonly ICallLoopObserver[] _observers;
    private readonly bool[] _failed;
    private readonly string _callId;
    private readonly ILogger _logger;

    public CallLoopObservers(IReadOnlyList<ICallLoopObserver> observers, string callId, ILogger logger)
    {
        _observers = [.. observers];
        _failed = new bool[_observers.Length];
        _callId = callId;
        _logger = logger;
    }

    public void OnStarted(CallLoopStarted started) => Each(started, static (o, s) => o.OnStarted(s));

    public void OnEngineEvent(EngineEvent engineEvent) => Each(engineEvent, static (o, e) => o.OnEngineEvent(e));

    public void OnAgentAudioStarted(string itemId, DateTimeOffset at) => Each((itemId, at), static (o, a) => o.OnAgentAudioStarted(a.itemId, a.at));

    public void OnInterrupted(string itemId, int audioEndMs) => Each((itemId, audioEndMs), static (o, a) => o.OnInterrupted(a.itemId, a.audioEndMs));

    public void OnBargeIn(CallBargeIn bargeIn) => Each(bargeIn, static (o, b) => o.OnBargeIn(b));

    public void OnRecorded(CallRecordEntry entry) => Each(entry, static (o, e) => o.OnRecorded(e));

    public void OnToolCompleted(ToolCallRequested request, TimeSpan duration, bool failed) =>
        Each((request, duration, failed), static (o, a) => o.OnToolCompleted(a.request, a.duration, a.failed));

    public void OnCostChanged(decimal totalUsd, decimal addedUsd) => Each((totalUsd, addedUsd), static (o, c) => o.OnCostChanged(c.totalUsd, c.addedUsd));

    public void OnEnding(CallEndReason reason) => Each(reason, static (o, r) => o.OnEnding(r));

    public void OnCompleted(CallEndReason reason) => Each(reason, static (o, r) => o.OnCompleted(r));

    private void Each<T>(T argument, Action<ICallLoopObserver, T> call)
    {
        for (var i = 0; i < _observers.Length; i++)
        {
            if (_failed[i])
            {
                continue;
            }

            try
            {
                call(_observers[i], argument);
            }
            catch (Exception ex)
            {
                _failed[i] = true;
                LogObserverFailed(ex, _callId, _observers[i].GetType().Name);
            }
        }
    }

    [LoggerMessage(EventId = 6401, Level = LogLevel.Warning, Message = "Call {CallId}: observer {Observer} failed and is skipped for the rest of the call")]
    private partial void LogObserverFailed(Exception exception, string callId, string observer);
}
