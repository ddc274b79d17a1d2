using DvServerless.Core.Engines;
using DvServerless.Core.Records;

namespace DvServerless.MediaWorker.Calls;

/// <summary>
/// Watches a <see cref="CallLoop"/> from its control task: the engine events it handles, the agent audio it starts
/// playing, the barge-ins it makes, the turns it records, the tools it runs and its end. Used by legs whose far end wants
/// more than audio (the browser page's events) and by the worker's telemetry (metrics, live events, traces).
/// </summary>
/// <remarks>
/// Called on the loop's control task, in order: implementations must only queue work or update their own state, never
/// block, and never throw (the loop guards each call, but an observer that throws misses what follows).
/// Every hook but <see cref="OnEngineEvent"/> has an empty default, so an observer implements what it needs.
/// </remarks>
public interface ICallLoopObserver
{
    /// <summary>Media and the engine are up; the loop starts moving audio.</summary>
    void OnStarted(CallLoopStarted started)
    {
    }

    /// <summary>An engine event, just before the loop handles it.</summary>
    void OnEngineEvent(EngineEvent engineEvent);

    /// <summary>The first frame of agent item <paramref name="itemId"/> was sent to the caller at <paramref name="at"/>.</summary>
    void OnAgentAudioStarted(string itemId, DateTimeOffset at)
    {
    }

    /// <summary>The agent was cut off: <paramref name="itemId"/> is truncated at <paramref name="audioEndMs"/>, what the caller heard.</summary>
    void OnInterrupted(string itemId, int audioEndMs)
    {
    }

    /// <summary>A barge-in was handled, with how fast the caller's playback stopped.</summary>
    void OnBargeIn(CallBargeIn bargeIn)
    {
    }

    /// <summary>A line was written to the call's record (a finished turn or a barge-in).</summary>
    void OnRecorded(CallRecordEntry entry)
    {
    }

    /// <summary>A tool call finished after <paramref name="duration"/>; <paramref name="failed"/> when it threw or was unknown.</summary>
    void OnToolCompleted(ToolCallRequested request, TimeSpan duration, bool failed)
    {
    }

    /// <summary>The engine reported usage: the call now costs <paramref name="totalUsd"/>, <paramref name="addedUsd"/> more than before.</summary>
    void OnCostChanged(decimal totalUsd, decimal addedUsd)
    {
    }

    /// <summary>The call is over for <paramref name="reason"/>; the leg is closed right after this returns.</summary>
    void OnEnding(CallEndReason reason)
    {
    }

    /// <summary>The call's loop is done: its last turn is recorded and the engine and leg are released. The last hook.</summary>
    void OnCompleted(CallEndReason reason)
    {
    }
}
