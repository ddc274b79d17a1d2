using DvServerless.Core.Engines;

namespace DvServerless.MediaWorker.Calls;

/// <summary>
/// Watches a <see cref="CallLoop"/> from its control task: every engine event it handles and every barge-in it makes.
/// Used by legs whose far end wants more than audio (the browser page's transcripts, interrupts and event log).
/// </summary>
/// <remarks>Called on the loop's control task, in order: implementations must only queue work, never block.</remarks>
public interface ICallLoopObserver
{
    /// <summary>An engine event, just before the loop handles it.</summary>
    void OnEngineEvent(EngineEvent engineEvent);

    /// <summary>The agent was cut off: <paramref name="itemId"/> is truncated at <paramref name="audioEndMs"/>, what the caller heard.</summary>
    void OnInterrupted(string itemId, int audioEndMs);

    /// <summary>The call is over for <paramref name="reason"/>; the leg is closed right after this returns.</summary>
    void OnEnding(CallEndReason reason);
}
