using System.Buffers;
using System.Text;
using DvServerless.Core.Engines;
using DvServerless.MediaWorker.Greeting;
using DvServerless.MediaWorker.Legs;

namespace DvServerless.MediaWorker.Calls;

/// <summary>
/// Turns what a browser session's <see cref="CallLoop"/> sees into the page's events: caller transcripts as
/// <c>USER_MESSAGE</c>, agent transcripts (growing, then final) as <c>ROBOT_MESSAGE</c>, barge-ins as <c>INTERRUPT</c>,
/// engine errors as <c>ERROR</c>, the end as <c>SESSION_ENDED</c>, and with debug on every engine event as
/// <c>FLOW_DEBUG</c>.
/// </summary>
/// <remarks>Runs on the loop's control task only, so its state needs no lock.</remarks>
public sealed class BrowserEventPublisher : ICallLoopObserver
{
    private readonly BrowserMediaLeg _leg;
    private readonly string _sessionId;
    private readonly bool _debug;
    private readonly ArrayBufferWriter<byte> _json = new(512);
    private readonly Dictionary<string, StringBuilder> _agentText = new(StringComparer.Ordinal);
    private string? _endReason;

    /// <summary>Publishes to <paramref name="leg"/>; <paramref name="debug"/> adds <c>FLOW_DEBUG</c>.</summary>
    public BrowserEventPublisher(BrowserMediaLeg leg, string sessionId, bool debug)
    {
        ArgumentNullException.ThrowIfNull(leg);
        ArgumentException.ThrowIfNullOrEmpty(sessionId);
        _leg = leg;
        _sessionId = sessionId;
        _debug = debug;
    }

    /// <summary>
    /// The reason sent in <c>SESSION_ENDED</c> when the session was ended on purpose (<c>stopped</c>,
    /// <c>max_duration</c>); null when the loop's end reason decides.
    /// </summary>
    public string? EndReason => Volatile.Read(ref _endReason);

    /// <summary>Sets <see cref="EndReason"/> unless an earlier end already did (the first reason wins); any thread.</summary>
    public bool TrySetEndReason(string reason) => Interlocked.CompareExchange(ref _endReason, reason, null) is null;

    /// <summary>Sends <c>SESSION_CREATED</c>, the session's first frame.</summary>
    public void SessionCreated() => Send(w => BrowserMessageCodec.WriteSessionCreated(w, _sessionId));

    /// <inheritdoc />
    public void OnEngineEvent(EngineEvent engineEvent)
    {
        ArgumentNullException.ThrowIfNull(engineEvent);
        if (_debug)
        {
            var (name, itemId, detail) = Describe(engineEvent);
            Send(w => BrowserMessageCodec.WriteFlowDebug(w, _sessionId, name, itemId, detail));
        }

        switch (engineEvent)
        {
            case CallerTranscript transcript:
                Send(w => BrowserMessageCodec.WriteMessage(w, _sessionId, fromUser: true, transcript.Text, transcript.ItemId, final: true));
                break;
            case AgentTranscriptDelta delta:
                if (!_agentText.TryGetValue(delta.ItemId, out var text))
                {
                    _agentText[delta.ItemId] = text = new StringBuilder();
                }

                text.Append(delta.Delta);
                Send(w => BrowserMessageCodec.WriteMessage(w, _sessionId, fromUser: false, text.ToString(), delta.ItemId, final: false));
                break;
            case AgentTranscriptDone done:
                _agentText.Remove(done.ItemId);
                Send(w => BrowserMessageCodec.WriteMessage(w, _sessionId, fromUser: false, done.Transcript, done.ItemId, final: true));
                break;
            case GreetingReady ready when !string.IsNullOrEmpty(ready.Audio.Text):
                Send(w => BrowserMessageCodec.WriteMessage(w, _sessionId, fromUser: false, ready.Audio.Text, GreetingReady.ItemId, final: true));
                break;
            case EngineError error:
                Send(w => BrowserMessageCodec.WriteError(w, _sessionId, error.Code ?? "engine_error", error.Message));
                break;
        }
    }

    /// <inheritdoc />
    public void OnInterrupted(string itemId, int audioEndMs)
    {
        _agentText.Remove(itemId);
        Send(w => BrowserMessageCodec.WriteInterrupt(w, _sessionId, itemId, audioEndMs));
    }

    /// <inheritdoc />
    public void OnEnding(CallEndReason reason) =>
        Send(w => BrowserMessageCodec.WriteSessionEnded(w, _sessionId, EndReason ?? ReasonName(reason)));

    /// <summary>The <c>SESSION_ENDED</c> reason of a loop end reason.</summary>
    public static string ReasonName(CallEndReason reason) => reason switch
    {
        CallEndReason.LegClosed => "client_closed",
        CallEndReason.EngineClosed => "engine_closed",
        CallEndReason.AgentEnded => "agent_ended",
        CallEndReason.CallerSilent => "caller_silent",
        CallEndReason.TimeLimit => "time_limit",
        _ => "worker_stopped",
    };

    private static (string Name, string? ItemId, string? Detail) Describe(EngineEvent engineEvent) => engineEvent switch
    {
        AgentAudioDelta audio => ("agent_audio_delta", audio.ItemId, audio.Audio.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        AgentTranscriptDelta delta => ("agent_transcript_delta", delta.ItemId, null),
        AgentTranscriptDone done => ("agent_transcript_done", done.ItemId, null),
        CallerSpeechStarted started => ("caller_speech_started", started.ItemId, null),
        CallerSpeechStopped stopped => ("caller_speech_stopped", stopped.ItemId, null),
        CallerTranscript transcript => ("caller_transcript", transcript.ItemId, null),
        ResponseStarted response => ("response_started", null, response.ResponseId),
        ResponseFinished response => ("response_finished", null, response.Status),
        AgentItemTruncated truncated => ("agent_item_truncated", truncated.ItemId, null),
        ToolCallRequested tool => ("tool_call_requested", null, tool.Name),
        GreetingReady => ("greeting_ready", GreetingReady.ItemId, null),
        EngineError error => ("engine_error", null, error.Code),
        EngineClosed => ("engine_closed", null, null),
        _ => (engineEvent.GetType().Name, null, null),
    };

    private void Send(Action<ArrayBufferWriter<byte>> write)
    {
        _json.ResetWrittenCount();
        write(_json);
        _leg.TrySendEvent(_json.WrittenSpan);
    }
}
