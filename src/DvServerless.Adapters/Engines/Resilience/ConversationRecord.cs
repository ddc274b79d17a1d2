using DvServerless.Core.Engines;
using Microsoft.Extensions.Logging;

namespace DvServerless.Adapters.Engines.Resilience;

/// <summary>
/// The record of a call's conversation across sessions: it feeds each finished turn (what the caller said, what the agent
/// said) to the <see cref="ConversationReplay"/>, and keeps the turn in progress (the responses the session has open and
/// their words so far, whether the caller is talking or awaits an answer), so that a drop can close it for the call loop
/// and say whether the agent owes the caller an answer.
/// </summary>
/// <remarks>Read and written by the event reader only.</remarks>
internal sealed class ConversationRecord(ConversationReplay replay, string callId, ILogger logger)
{
    private readonly Dictionary<string, OpenResponse> _openResponses = new(StringComparer.Ordinal);
    private bool _callerSpeaking;

    // The caller finished a turn that no response has started to answer yet (server VAD starts one by itself).
    private bool _callerAwaitingAnswer;

    /// <summary>No response is open and the caller is not talking: a pause in which the call can change sessions.</summary>
    public bool AtPause => _openResponses.Count == 0 && !_callerSpeaking;

    /// <summary>Takes one event of the current session into the record.</summary>
    public void Track(EngineEvent engineEvent)
    {
        switch (engineEvent)
        {
            case ResponseStarted started:
                _openResponses[started.ResponseId] = new OpenResponse();
                _callerAwaitingAnswer = false;
                break;
            case ResponseFinished finished:
                _openResponses.Remove(finished.ResponseId);
                break;
            case AgentAudioDelta audio when _openResponses.TryGetValue(audio.ResponseId, out var speaking):
                speaking.ItemId ??= audio.ItemId;
                break;
            case AgentTranscriptDelta delta when _openResponses.TryGetValue(delta.ResponseId, out var speaking):
                speaking.Add(delta);
                break;
            case AgentTranscriptDone done when _openResponses.TryGetValue(done.ResponseId, out var speaking):
                speaking.Done = true;
                replay.Add("Agent", done.Transcript);
                break;
            case CallerSpeechStarted:
                _callerSpeaking = true;
                break;
            case CallerSpeechStopped:
                _callerSpeaking = false;
                _callerAwaitingAnswer = true;
                break;
            case CallerTranscript transcript:
                replay.Add("Caller", transcript.Text);
                break;
            case CallerTranscriptFailed:
                // The next session should know the caller spoke here, even if not what they said.
                replay.Add("Caller", CallerTranscriptFailed.NotTranscribed);
                break;
            case AgentTranscriptDone done:
                replay.Add("Agent", done.Transcript);
                break;
        }
    }

    /// <summary>
    /// The session dropped: closes its open responses (a cut answer keeps the words the caller heard, in the replay too)
    /// and starts the next session's turn afresh.
    /// </summary>
    public DroppedTurns CloseOnDrop()
    {
        var events = new List<EngineEvent>();
        var resume = _callerAwaitingAnswer;
        foreach (var (responseId, open) in _openResponses)
        {
            // An answer whose words all came (only its response.done was lost) is not said again.
            resume |= !open.Done;
            if (open.CutOffTranscript() is { } heard)
            {
                // What the caller hears of it: every byte received is played, and the transcript keeps pace with it.
                replay.AddCutOff("Agent", heard);
                ReconnectingConversationEngineLog.CutOff(logger, callId, open.ItemId!, heard.Length);
                events.Add(new AgentTranscriptDone(responseId, open.ItemId!, heard));
            }

            events.Add(new ResponseFinished(responseId, "failed", "the engine connection dropped"));
        }

        _openResponses.Clear();
        _callerAwaitingAnswer = false;
        // A caller who was talking (a barge-in, say) has the floor: their turn gets its answer when it ends.
        resume &= !_callerSpeaking;
        // The new session hears the caller afresh (its own speech_started, if they still talk).
        _callerSpeaking = false;
        return new DroppedTurns(events, resume);
    }
}
