using DvServerless.Core.Engines;
using DvServerless.MediaWorker.Greeting;

namespace DvServerless.MediaWorker.Calls;

// Engine events, handled on the control task in the order they came off the engine's socket.
public sealed partial class CallLoop
{
    private async ValueTask HandleEngineEventAsync(EngineEvent engineEvent, long receivedTimestamp, CancellationToken cancellationToken)
    {
        Observer?.OnEngineEvent(engineEvent);
        switch (engineEvent)
        {
            case AgentAudioDelta delta:
                _callerTurnEnded = false;
                AppendAgentAudio(delta);
                delta.Release(); // Copied into the playout: back to its pool, as AgentAudioDelta asks of its reader.
                break;
            case CallerSpeechStopped stopped:
                _callerTurnEnded = true;
                _callerSpeaking = false;
                await CallerStoppedSpeakingAsync(stopped, cancellationToken).ConfigureAwait(false);
                break;
            case CallerSpeechStarted started:
                _callerTurnEnded = false;
                _turns.CallerSpeechStarted(started);
                _callerSpeaking = true;
                CallerWasHeard();
                await CallerStartedSpeakingAsync(started, receivedTimestamp, cancellationToken).ConfigureAwait(false);
                break;
            case CallerTranscript transcript:
                _turns.CallerTranscript(transcript);
                await CallerWordsAsync(transcript, cancellationToken).ConfigureAwait(false);
                break;
            case CallerTranscriptFailed failed:
                _turns.CallerTranscriptFailed(failed);
                LogCallerNotTranscribed(_callId, failed.ItemId, failed.Reason ?? "no reason given");
                break;
            case AgentTranscriptDelta textDelta:
                _turns.AgentTextDelta(textDelta);
                break;
            case AgentTranscriptDone done:
                _turns.AgentTextDone(done);
                break;
            case ResponseStarted response:
                _responseInProgress = response.ResponseId;
                break;
            case ResponseFinished response:
                // Done without audio (text only, a tool call, cancelled): the agent is not about to speak.
                _callerTurnEnded = false;
                if (_responseInProgress == response.ResponseId)
                {
                    _responseInProgress = null;
                }

                _playout!.CompleteResponse(response.ResponseId);
                QueuePendingSpeech();
                break;
            case ToolCallRequested toolCall:
                await StartToolCallAsync(toolCall, cancellationToken).ConfigureAwait(false);
                break;
            case EngineUsageReported usage when Cost is not null:
                var added = Cost.Add(usage.Usage, usage.Model);
                Observer?.OnCostChanged(Cost.TotalUsd, added);
                break;
            case GreetingReady ready:
                QueueGreeting(ready.Audio);
                break;
            case CallerKeypress keypress:
                _keypad.Press(keypress.Key);
                CallerWasHeard();
                break;
            case EngineError error:
                LogEngineError(_callId, error.Code ?? "none", error.Message);
                break;
            case EngineClosed closed:
                LogEngineClosed(_callId, closed.Reason ?? "none");
                _endReason = CallEndReason.EngineClosed;
                break;
            default:
                // CallerSpeechStopped, AgentItemTruncated and kinds added later need nothing from the loop.
                break;
        }
    }

    private void AppendAgentAudio(AgentAudioDelta delta)
    {
        var playout = _playout!;
        if (playout.IsDropped(delta.ResponseId, delta.ItemId))
        {
            // Audio of an interrupted item that was already in flight: the caller must never hear it.
            return;
        }

        var audio = delta.Audio.Span;
        if (_agentResampler is null)
        {
            playout.Append(delta.ResponseId, delta.ItemId, delta.ContentIndex, audio.Length, audio);
            return;
        }

        playout.Append(delta.ResponseId, delta.ItemId, delta.ContentIndex, audio.Length, _agentResampler.Process(audio).Span);
    }
}
