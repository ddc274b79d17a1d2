namespace DvServerless.Core.Live;

/// <summary>
/// The stages of one turn, in milliseconds; a stage the engine does not expose is null. For the Realtime engine, all are
/// measured from the moment the caller stopped speaking (<c>input_audio_buffer.speech_stopped</c> reaching the worker):
/// </summary>
/// <param name="SttMs">Speech stopped → the caller's final transcript.</param>
/// <param name="LlmTtftMs">Speech stopped → the first output of the response (text or audio).</param>
/// <param name="TtsMs">The response's first output → its first audio (0 when audio came first, as from a speech-to-speech model).</param>
/// <param name="E2eMs">Speech stopped → the first agent audio frame sent to the caller.</param>
public sealed record TurnLatency(double? SttMs, double? LlmTtftMs, double? TtsMs, double? E2eMs);
