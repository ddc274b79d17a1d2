namespace DvServerless.Core.Engines;

/// <summary>Something the engine reports to the call loop.</summary>
public abstract record EngineEvent;

/// <summary>Part of the text of what the agent is saying.</summary>
public sealed record AgentTranscriptDelta(string ResponseId, string ItemId, string Delta) : EngineEvent;

/// <summary>The full text of one agent item, as generated (not as heard).</summary>
public sealed record AgentTranscriptDone(string ResponseId, string ItemId, string Transcript) : EngineEvent;

/// <summary>The caller started speaking: the barge-in signal.</summary>
public sealed record CallerSpeechStarted(int AudioStartMs, string? ItemId) : EngineEvent;

/// <summary>The caller pressed a keypad key (<see cref="Calls.DtmfKey"/>), reported by the engine (OpenAI SIP calls).</summary>
public sealed record CallerKeypress(char Key) : EngineEvent;

/// <summary>The caller stopped speaking.</summary>
public sealed record CallerSpeechStopped(int AudioEndMs, string? ItemId) : EngineEvent;

/// <summary>The final transcription of one caller utterance.</summary>
/// <param name="ItemId">The caller item.</param>
/// <param name="Text">What the caller said.</param>
/// <param name="Sentiment">The speech-to-text provider's sentiment of the utterance, when it gives one.</param>
public sealed record CallerTranscript(string ItemId, string Text, Speech.SpeechSentiment? Sentiment = null) : EngineEvent;

/// <summary>
/// The engine could not transcribe one caller utterance (Realtime <c>conversation.item.input_audio_transcription.failed</c>):
/// the caller spoke, and the model heard the audio, but the words are not known. The call's record still shows the turn.
/// </summary>
/// <param name="ItemId">The caller item.</param>
/// <param name="Reason">The engine's error message, when it gave one.</param>
public sealed record CallerTranscriptFailed(string ItemId, string? Reason) : EngineEvent
{
    /// <summary>What stands for the caller's words in the call's record and in a replayed conversation.</summary>
    public const string NotTranscribed = "[not transcribed]";
}

/// <summary>The agent started a response.</summary>
public sealed record ResponseStarted(string ResponseId) : EngineEvent;

/// <summary>A response finished: <c>completed</c>, <c>cancelled</c>, <c>failed</c> or <c>incomplete</c>.</summary>
public sealed record ResponseFinished(string ResponseId, string Status, string? Reason) : EngineEvent;

/// <summary>
/// SIP/WebRTC sessions only: the far end started playing the agent's audio of <paramref name="ResponseId"/> into the call
/// (Realtime <c>output_audio_buffer.started</c>). Audio is generated faster than it plays, so this outlasts the response.
/// </summary>
public sealed record AgentPlaybackStarted(string ResponseId) : EngineEvent;

/// <summary>
/// SIP/WebRTC sessions only: the far end has no more agent audio to play: drained after the response
/// (<c>output_audio_buffer.stopped</c>) or flushed by a barge-in or clear (<c>output_audio_buffer.cleared</c>,
/// <paramref name="Cleared"/> true).
/// </summary>
public sealed record AgentPlaybackStopped(string ResponseId, bool Cleared) : EngineEvent;

/// <summary>The engine confirmed a truncation.</summary>
public sealed record AgentItemTruncated(string ItemId, int AudioEndMs) : EngineEvent;

/// <summary>The agent wants a tool run. Each <paramref name="CallId"/> must be executed once.</summary>
public sealed record ToolCallRequested(string CallId, string Name, string ArgumentsJson) : EngineEvent;

/// <summary>The engine reported an error; most are recoverable.</summary>
public sealed record EngineError(string? Code, string Message) : EngineEvent;

/// <summary>The engine's connection closed; no more events follow.</summary>
public sealed record EngineClosed(string? Reason) : EngineEvent;

/// <summary>
/// The engine used <paramref name="Usage"/> since its last report (one response, one transcription) with model
/// <paramref name="Model"/>: what the call's cost is counted from.
/// </summary>
public sealed record EngineUsageReported(EngineUsage Usage, string Model) : EngineEvent;
