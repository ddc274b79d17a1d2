namespace DvServerless.Simulators.Acs;

/// <summary>
/// A stretch of agent audio the caller heard without interruption: it ends at a StopAudio, after more than 300 ms
/// of empty playout queue, or at hang-up.
/// </summary>
/// <param name="Start">Play start, relative to media start.</param>
/// <param name="End">Play end, relative to media start.</param>
/// <param name="PlayedMs">Milliseconds of agent audio actually played in it.</param>
/// <param name="HeardOffset">Byte offset of its audio in <see cref="SimulatedCallResult.HeardAudio"/>.</param>
/// <param name="HeardLength">Byte length of its audio in <see cref="SimulatedCallResult.HeardAudio"/>.</param>
/// <param name="EndedByStopAudio">Whether a StopAudio ended it.</param>
public sealed record AgentAudioSegment(TimeSpan Start, TimeSpan End, double PlayedMs, int HeardOffset, int HeardLength, bool EndedByStopAudio);
